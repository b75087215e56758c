import { ErrorState } from '@/components/errors/error-state';
import { Loading } from '@/components/ui/spinner';

import { useKeys } from '../api/list-keys';
import { KeysTable } from './keys-table';
import { NewKeyForm } from './new-key-form';
import { RevokeKeyDialog } from './revoke-key-dialog';
import { useCreateKey } from './use-create-key';
import { useRevokeKey } from './use-revoke-key';

/** The API keys page: create a key (its secret shown once), list the keys, revoke one. */
export function ApiKeysPanel() {
  const { data, error, mutate, isLoading } = useKeys();
  const form = useCreateKey({ onCreated: () => void mutate() });
  const revoke = useRevokeKey({
    onRevoked: async (key) => {
      await mutate();
      if (form.created?.id === key.id) form.setCreated(null);
    },
  });

  return (
    <div className="stack">
      <NewKeyForm form={form} />
      {error ? <ErrorState error={error} onRetry={() => void mutate()} /> : null}
      {!data && isLoading ? <Loading label="Loading the keys…" /> : null}
      {data ? <KeysTable keys={data.results} onRevoke={revoke.ask} /> : null}
      {revoke.revoking ? (
        <RevokeKeyDialog
          apiKey={revoke.revoking}
          busy={revoke.busy}
          error={revoke.error}
          onConfirm={() => void revoke.confirm()}
          onCancel={revoke.cancel}
        />
      ) : null}
    </div>
  );
}
