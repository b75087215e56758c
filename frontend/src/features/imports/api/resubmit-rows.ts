import { apiFetch } from '@/lib/api-client';
import type { RowsResubmitted } from '@/types/api';

export type RowCorrection = { row_number: number; values: Record<string, string> };

function resubmitPath(id: string): string {
  return `/api/imports/${encodeURIComponent(id)}/errors/resubmit/`;
}

/** POST /api/imports/<id>/errors/resubmit/ with corrected cells: loaded into the same job. */
export function resubmitRows(id: string, rows: RowCorrection[]): Promise<RowsResubmitted> {
  return apiFetch<RowsResubmitted>(resubmitPath(id), { method: 'POST', body: { rows } });
}

/** The same with the job's errors.csv corrected in a spreadsheet. */
export function resubmitErrorsFile(id: string, file: File): Promise<RowsResubmitted> {
  const form = new FormData();
  form.append('file', file, file.name);
  return apiFetch<RowsResubmitted>(resubmitPath(id), { method: 'POST', body: form });
}
