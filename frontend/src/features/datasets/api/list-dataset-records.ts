import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { DatasetRecord, Page } from '@/types/api';

export type RecordFilters = { search?: string; page?: number };

export function datasetRecordsKey(dataset: string, filters: RecordFilters): string {
  const params = new URLSearchParams();
  const search = filters.search?.trim();
  if (search) params.set('search', search);
  if (filters.page && filters.page > 1) params.set('page', String(filters.page));
  const query = params.toString();
  return `/api/datasets/${encodeURIComponent(dataset)}/records/${query ? `?${query}` : ''}`;
}

/** GET /api/datasets/<name>/records/: the workspace's rows of one dataset, searchable. */
export function listDatasetRecords(dataset: string, filters: RecordFilters): Promise<Page<DatasetRecord>> {
  return apiFetch<Page<DatasetRecord>>(datasetRecordsKey(dataset, filters));
}

export function useDatasetRecords(dataset: string, filters: RecordFilters) {
  return useSWR<Page<DatasetRecord>>(datasetRecordsKey(dataset, filters), () => listDatasetRecords(dataset, filters), {
    keepPreviousData: true,
  });
}
