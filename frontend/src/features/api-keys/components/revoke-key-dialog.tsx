import { ErrorState } from '@/components/errors/error-state';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import type { ApiKey } from '@/types/api';

/** Asks before a key is revoked, and says what that does. */
export function RevokeKeyDialog({
  apiKey,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  apiKey: ApiKey;
  busy: boolean;
  error: unknown;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Dialog
      title={`Revoke “${apiKey.name}”?`}
      onClose={onCancel}
      actions={
        <>
          <Button variant="secondary" onClick={onCancel} data-autofocus>
            Keep key
          </Button>
          <Button variant="danger" busy={busy} disabled={busy} onClick={onConfirm}>
            Revoke key
          </Button>
        </>
      }
    >
      <p>
        Anything using the key <code>{apiKey.prefix}…</code> stops working at once. This cannot be undone.
      </p>
      {error ? <ErrorState error={error} /> : null}
    </Dialog>
  );
}
