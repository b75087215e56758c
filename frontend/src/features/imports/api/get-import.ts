import useSWR from 'swr';

import { useLiveStatus } from '@/lib/live/live-status';
import { apiFetch } from '@/lib/api-client';
import { type ImportJobDetail, isFinalStatus } from '@/types/api';

/** How often a running job is polled. */
export const JOB_POLL_MS = 1000;

export function importKey(id: string): string {
  return `/api/imports/${encodeURIComponent(id)}/`;
}

export function getImport(id: string): Promise<ImportJobDetail> {
  return apiFetch<ImportJobDetail>(importKey(id));
}

/**
 * The job, polled about once a second while it is pending or processing; polling stops as
 * soon as the latest answer has a final status, and while the live stream brings each change.
 */
export function useImportJob(id: string | undefined, options: { pollMs?: number } = {}) {
  const pollMs = options.pollMs ?? JOB_POLL_MS;
  const live = useLiveStatus() === 'live';
  return useSWR<ImportJobDetail>(id ? importKey(id) : null, () => getImport(id as string), {
    refreshInterval: (latest) => (live || (latest && isFinalStatus(latest.status)) ? 0 : pollMs),
    dedupingInterval: Math.min(pollMs, 2000) / 2,
  });
}
