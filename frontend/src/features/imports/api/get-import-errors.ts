import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { Page, RowError } from '@/types/api';

/** Which rejected rows to list: a page, and optionally one column and one kind of message. */
export type ErrorsQuery = { page: number; column?: string; message?: string; pageSize?: number };

export function importErrorsKey(id: string, query: ErrorsQuery): string {
  const params = new URLSearchParams();
  if (query.column) params.set('column', query.column);
  if (query.column && query.message) params.set('message', query.message);
  if (query.pageSize) params.set('page_size', String(query.pageSize));
  if (query.page > 1) params.set('page', String(query.page));
  const search = params.toString();
  return `/api/imports/${encodeURIComponent(id)}/errors/${search ? `?${search}` : ''}`;
}

/** GET /api/imports/<id>/errors/: the open rejected rows, a page at a time, each with its text per column. */
export function getImportErrors(id: string, query: ErrorsQuery): Promise<Page<RowError>> {
  return apiFetch<Page<RowError>>(importErrorsKey(id, query));
}

export function useImportErrors(id: string | undefined, query: ErrorsQuery, enabled = true) {
  return useSWR<Page<RowError>>(id && enabled ? importErrorsKey(id, query) : null, () => getImportErrors(id as string, query), {
    keepPreviousData: true,
  });
}
