import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { ApiKey, Page } from '@/types/api';

export const KEYS_KEY = '/api/keys/?page_size=100';

/** GET /api/keys/: the workspace's keys, newest first. */
export function listKeys(): Promise<Page<ApiKey>> {
  return apiFetch<Page<ApiKey>>(KEYS_KEY);
}

export function useKeys() {
  return useSWR<Page<ApiKey>>(KEYS_KEY, listKeys);
}
