import { apiFetch } from '@/lib/api-client';
import type { ImportJobDetail } from '@/types/api';

/**
 * DELETE /api/imports/<id>/: removes a finished job's files and rejected rows; the rows it loaded
 * stay, and so does the job, which then says when its files were removed.
 */
export function deleteImportFiles(id: string): Promise<ImportJobDetail> {
  return apiFetch<ImportJobDetail>(`/api/imports/${encodeURIComponent(id)}/`, { method: 'DELETE' });
}
