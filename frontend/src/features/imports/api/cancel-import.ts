import { apiFetch } from '@/lib/api-client';
import type { ImportJobDetail } from '@/types/api';

/** POST /api/imports/<id>/cancel/: answers with the job as it stands after the request. */
export function cancelImport(id: string): Promise<ImportJobDetail> {
  return apiFetch<ImportJobDetail>(`/api/imports/${encodeURIComponent(id)}/cancel/`, { method: 'POST' });
}
