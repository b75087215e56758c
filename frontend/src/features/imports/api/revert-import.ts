import { apiFetch } from '@/lib/api-client';
import type { ImportReverted } from '@/types/api';

/** POST /api/imports/<id>/revert/: created rows deleted, updated rows restored, later changes kept. */
export function revertImport(id: string): Promise<ImportReverted> {
  return apiFetch<ImportReverted>(`/api/imports/${encodeURIComponent(id)}/revert/`, { method: 'POST' });
}
