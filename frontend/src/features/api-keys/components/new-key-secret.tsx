import { useState } from 'react';

import { Button } from '@/components/ui/button';
import type { ApiKeyCreated } from '@/types/api';

/** The secret of the key just created, shown once, with a Copy button. */
export function NewKeySecret({ created, onDone }: { created: ApiKeyCreated; onDone: () => void }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="secret-box" role="region" aria-label="New API key">
      <p className="secret-title">
        Key “{created.name}” created. Copy the secret now: it is shown once and cannot be shown again.
      </p>
      <div className="secret-row">
        <code className="secret" data-testid="new-key-secret" tabIndex={0}>
          {created.key}
        </code>
        <Button variant="secondary" size="sm" onClick={copy}>
          Copy
        </Button>
      </div>
      <p className="muted small" aria-live="polite">
        {copied === 'copied' ? 'Copied to the clipboard.' : null}
        {copied === 'failed' ? 'The clipboard is not available here: select the secret and copy it by hand.' : null}
      </p>
      <p className="muted small">
        Send it in the <code>X-API-KEY</code> header, e.g.{' '}
        <code className="command">curl -H "X-API-KEY: …" {window.location.origin}/api/imports/</code>
      </p>
      <Button variant="ghost" size="sm" onClick={onDone}>
        Done
      </Button>
    </div>
  );
}
