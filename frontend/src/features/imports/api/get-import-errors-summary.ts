import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { RowErrorSummary } from '@/types/api';

export function importErrorsSummaryKey(id: string): string {
  return `/api/imports/${encodeURIComponent(id)}/errors/summary/`;
}

/** GET /api/imports/<id>/errors/summary/: the grid's columns and the open rows by column and message. */
export function getImportErrorsSummary(id: string): Promise<RowErrorSummary> {
  return apiFetch<RowErrorSummary>(importErrorsSummaryKey(id));
}

export function useImportErrorsSummary(id: string | undefined, enabled = true) {
  return useSWR<RowErrorSummary>(id && enabled ? importErrorsSummaryKey(id) : null, () => getImportErrorsSummary(id as string), {
    keepPreviousData: true,
  });
}
