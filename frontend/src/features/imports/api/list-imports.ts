import useSWR from 'swr';

import { useLiveStatus } from '@/lib/live/live-status';
import { apiFetch } from '@/lib/api-client';
import type { ImportJob, ImportStatus, Page } from '@/types/api';

export type ImportFilters = { status?: ImportStatus | ''; dataset?: string; page?: number };

export function importsKey(filters: ImportFilters): string {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.dataset) params.set('dataset', filters.dataset);
  if (filters.page && filters.page > 1) params.set('page', String(filters.page));
  const query = params.toString();
  return `/api/imports/${query ? `?${query}` : ''}`;
}

/** GET /api/imports/: the workspace's jobs, newest first. */
export function listImports(filters: ImportFilters): Promise<Page<ImportJob>> {
  return apiFetch<Page<ImportJob>>(importsKey(filters));
}

/** Refreshes every few seconds while a listed job is still running, unless the live stream is open. */
export function useImports(filters: ImportFilters) {
  const live = useLiveStatus() === 'live';
  return useSWR<Page<ImportJob>>(importsKey(filters), () => listImports(filters), {
    keepPreviousData: true,
    refreshInterval: (latest) =>
      !live && latest?.results.some((job) => job.status === 'pending' || job.status === 'processing') ? 3000 : 0,
  });
}
