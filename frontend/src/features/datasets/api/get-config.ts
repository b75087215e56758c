import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { ImportConfig } from '@/types/api';

export const CONFIG_KEY = '/api/config/';

/** GET /api/config/: upload limits and the datasets with their columns and aliases. */
export function getConfig(): Promise<ImportConfig> {
  return apiFetch<ImportConfig>(CONFIG_KEY);
}

export function useConfig() {
  return useSWR<ImportConfig>(CONFIG_KEY, getConfig, { revalidateOnFocus: false });
}
