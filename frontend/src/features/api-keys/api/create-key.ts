import { apiFetch } from '@/lib/api-client';
import type { ApiKeyCreated } from '@/types/api';

/** POST /api/keys/: the answer carries the secret, this once. */
export function createKey(name: string): Promise<ApiKeyCreated> {
  return apiFetch<ApiKeyCreated>('/api/keys/', { method: 'POST', body: { name } });
}
