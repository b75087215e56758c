import { useState } from 'react';

import type { ApiKey } from '@/types/api';

import { revokeKey } from '../api/revoke-key';

/** Which key is being revoked (the confirmation is open), the call and its error. */
export function useRevokeKey({ onRevoked }: { onRevoked: (key: ApiKey) => Promise<unknown> | void }) {
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const ask = (key: ApiKey) => {
    setError(null);
    setRevoking(key);
  };

  const confirm = async () => {
    if (!revoking) return;
    setBusy(true);
    setError(null);
    try {
      await revokeKey(revoking.id);
      await onRevoked(revoking);
      setRevoking(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return { revoking, busy, error, ask, confirm, cancel: () => setRevoking(null) };
}
