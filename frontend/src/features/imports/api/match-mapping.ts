import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { SavedMappingMatch } from '@/types/api';

export type MatchMappingInput = { dataset: string; headers: string[] };

/** POST /api/mappings/match/: the mapping saved for this dataset and header set, if any. */
export function matchMapping(input: MatchMappingInput): Promise<SavedMappingMatch> {
  return apiFetch<SavedMappingMatch>('/api/mappings/match/', { method: 'POST', body: input });
}

/** The saved mapping to propose for a file, asked once per dataset and header set. */
export function useMappingMatch(input: MatchMappingInput | null) {
  return useSWR<SavedMappingMatch>(
    input ? ['/api/mappings/match/', input.dataset, JSON.stringify(input.headers)] : null,
    () => matchMapping(input as MatchMappingInput),
    // Asked again each time a file is chosen: an import a moment ago may have saved the mapping,
    // and a cached "none" (SWR dedupes for 2 s by default) would hide it.
    { revalidateOnFocus: false, shouldRetryOnError: false, dedupingInterval: 0 },
  );
}
