import { useEffect, useState } from 'react';

import type { SavedMapping } from '@/types/api';

import { useMappingMatch } from '../api/match-mapping';

export type SavedMappingState =
  | { kind: 'none' }
  | { kind: 'using'; saved: SavedMapping }
  | { kind: 'declined'; saved: SavedMapping };

/**
 * Proposes the mapping saved for this dataset and header set (POST /api/mappings/match/) once per
 * file: when one is found and the person has chosen nothing yet, ``apply`` receives it.
 */
export function useSavedMapping({
  fileKey,
  dataset,
  headers,
  untouched,
  apply,
}: {
  /** Changes when another file (or dataset) is chosen: the proposal is made again. */
  fileKey: string;
  dataset: string;
  headers: string[] | null;
  untouched: boolean;
  apply: (mapping: Record<string, string>) => void;
}) {
  const [state, setState] = useState<{ fileKey: string; value: SavedMappingState }>({
    fileKey,
    value: { kind: 'none' },
  });
  const current = state.fileKey === fileKey ? state.value : ({ kind: 'none' } as const);
  const asking = Boolean(fileKey && dataset && headers?.length && current.kind === 'none' && untouched);
  const { data } = useMappingMatch(asking && headers ? { dataset, headers } : null);

  useEffect(() => {
    if (!asking || !data?.saved_mapping || !data.column_mapping) return;
    setState({ fileKey, value: { kind: 'using', saved: data.saved_mapping } });
    apply(data.column_mapping);
  }, [asking, data, fileKey, apply]);

  return {
    state: current,
    decline: () => {
      if (current.kind === 'using') setState({ fileKey, value: { kind: 'declined', saved: current.saved } });
    },
  };
}
