import { type FormEvent, useState } from 'react';

import { ErrorState, describeError } from '@/components/errors/error-state';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';
import { Loading } from '@/components/ui/spinner';
import { EmptyRow, Table } from '@/components/ui/table';
import { ApiError } from '@/lib/api-client';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { ApiKey, ApiKeyCreated } from '@/types/api';

import { createKey } from '../api/create-key';
import { useKeys } from '../api/list-keys';
import { revokeKey } from '../api/revoke-key';

function NewKeySecret({ created, onDone }: { created: ApiKeyCreated; onDone: () => void }) {
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
        <code>curl -H "X-API-KEY: …" {window.location.origin}/api/imports/</code>
      </p>
      <Button variant="ghost" size="sm" onClick={onDone}>
        Done
      </Button>
    </div>
  );
}

export function ApiKeysPanel() {
  const { data, error, mutate, isLoading } = useKeys();
  const [name, setName] = useState('');
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<unknown>(null);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<unknown>(null);

  const onCreate = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setCreateError(new ApiError(400, 'invalid', 'Give the key a name.', { name: ['Give the key a name.'] }));
      return;
    }
    setCreating(true);
    setCreateError(null);
    try {
      setCreated(await createKey(name.trim()));
      void mutate();
      setName('');
    } catch (err) {
      setCreateError(err);
    } finally {
      setCreating(false);
    }
  };

  const onRevoke = async () => {
    if (!revoking) return;
    setRevokeBusy(true);
    setRevokeError(null);
    try {
      await revokeKey(revoking.id);
      await mutate();
      if (created?.id === revoking.id) setCreated(null);
      setRevoking(null);
    } catch (err) {
      setRevokeError(err);
    } finally {
      setRevokeBusy(false);
    }
  };

  const createFields = createError instanceof ApiError ? createError.fields : {};
  const createGeneral = createError && !createFields.name ? describeError(createError) : null;
  const revokeMessage = revokeError ? describeError(revokeError) : null;

  return (
    <div className="stack">
      <section className="card" aria-labelledby="new-key-title">
        <h2 id="new-key-title" className="card-title">
          New key
        </h2>
        <p className="muted">Scripts and other services use an API key instead of a password. Each key can be revoked on its own.</p>
        <form className="inline-form" onSubmit={onCreate} noValidate>
          <TextField
            label="Key name"
            name="name"
            maxLength={50}
            placeholder="e.g. nightly sync"
            value={name}
            onChange={(e) => setName(e.target.value)}
            errors={createFields.name}
          />
          <Button type="submit" busy={creating} disabled={creating}>
            Create key
          </Button>
        </form>
        {createGeneral ? (
          <Alert tone="danger" title={createGeneral.title}>
            {createGeneral.detail || null}
          </Alert>
        ) : null}
        {created ? <NewKeySecret created={created} onDone={() => setCreated(null)} /> : null}
      </section>

      {error ? <ErrorState error={error} onRetry={() => void mutate()} /> : null}
      {!data && isLoading ? <Loading label="Loading the keys…" /> : null}
      {data ? (
        <Table caption="API keys" hideCaption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.results.length === 0 ? (
              <EmptyRow colSpan={5}>No keys yet.</EmptyRow>
            ) : (
              data.results.map((key) => (
                <tr key={key.id} className={key.revoked ? 'row-muted' : undefined}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{formatDateTime(key.created)}</td>
                  <td>{formatRelative(key.last_used_at)}</td>
                  <td className="cell-actions">
                    {key.revoked ? (
                      <Badge tone="neutral">revoked</Badge>
                    ) : (
                      <Button
                        variant="danger"
                        size="sm"
                        aria-label="Revoke"
                        title={`Revoke “${key.name}”`}
                        onClick={() => {
                          setRevokeError(null);
                          setRevoking(key);
                        }}
                      >
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </Table>
      ) : null}

      {revoking ? (
        <Dialog
          title={`Revoke “${revoking.name}”?`}
          onClose={() => setRevoking(null)}
          actions={
            <>
              <Button variant="secondary" onClick={() => setRevoking(null)} data-autofocus>
                Keep key
              </Button>
              <Button variant="danger" busy={revokeBusy} disabled={revokeBusy} onClick={onRevoke}>
                Revoke key
              </Button>
            </>
          }
        >
          <p>
            Anything using the key <code>{revoking.prefix}…</code> stops working at once. This cannot be undone.
          </p>
          {revokeMessage ? (
            <Alert tone="danger" title={revokeMessage.title}>
              {revokeMessage.detail || null}
            </Alert>
          ) : null}
        </Dialog>
      ) : null}
    </div>
  );
}
