import { apiFetch } from '@/lib/api-client';
import type { ImportJobDetail } from '@/types/api';

/** POST /api/imports/<id>/start/: import the file of a completed dry run; answers the new job. */
export function startImport(dryRunId: string): Promise<ImportJobDetail> {
  return apiFetch<ImportJobDetail>(`/api/imports/${encodeURIComponent(dryRunId)}/start/`, { method: 'POST' });
}
