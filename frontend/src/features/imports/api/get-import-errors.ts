import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { Page, RowError } from '@/types/api';

export function importErrorsKey(id: string, page: number): string {
  return `/api/imports/${encodeURIComponent(id)}/errors/${page > 1 ? `?page=${page}` : ''}`;
}

/** GET /api/imports/<id>/errors/: the rejected rows, a page at a time. */
export function getImportErrors(id: string, page: number): Promise<Page<RowError>> {
  return apiFetch<Page<RowError>>(importErrorsKey(id, page));
}

export function useImportErrors(id: string | undefined, page: number, enabled = true) {
  return useSWR<Page<RowError>>(id && enabled ? importErrorsKey(id, page) : null, () =>
    getImportErrors(id as string, page),
  { keepPreviousData: true });
}
