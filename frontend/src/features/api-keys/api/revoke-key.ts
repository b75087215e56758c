import { apiFetch } from '@/lib/api-client';

/** DELETE /api/keys/<id>/: the key stops working at once. */
export function revokeKey(id: string): Promise<void> {
  return apiFetch<void>(`/api/keys/${encodeURIComponent(id)}/`, { method: 'DELETE' });
}
