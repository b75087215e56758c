import { useCallback, useMemo, useState } from 'react';

import type { RowCorrection } from '../api/resubmit-rows';

type Cell = { value: string; original: string };

/**
 * The cells a user changed in the rejected-rows grid, by row number and column: kept across
 * pages and filters until they are sent. A cell typed back to its original text is no change.
 */
export function useRowEdits() {
  const [edits, setEdits] = useState<Record<number, Record<string, Cell>>>({});

  const setCell = useCallback((row: number, column: string, value: string, original: string) => {
    setEdits((current) => {
      const cells = { ...(current[row] ?? {}) };
      if (value === original) delete cells[column];
      else cells[column] = { value, original };
      const next = { ...current };
      if (Object.keys(cells).length) next[row] = cells;
      else delete next[row];
      return next;
    });
  }, []);

  const valueOf = useCallback(
    (row: number, column: string, original: string) => edits[row]?.[column]?.value ?? original,
    [edits],
  );

  const isEdited = useCallback((row: number, column: string) => edits[row]?.[column] !== undefined, [edits]);

  const corrections: RowCorrection[] = useMemo(
    () =>
      Object.entries(edits)
        .map(([row, cells]) => ({
          row_number: Number(row),
          values: Object.fromEntries(Object.entries(cells).map(([column, cell]) => [column, cell.value])),
        }))
        .sort((a, b) => a.row_number - b.row_number),
    [edits],
  );

  const forget = useCallback((rows: number[]) => {
    setEdits((current) => {
      const next = { ...current };
      for (const row of rows) delete next[row];
      return next;
    });
  }, []);

  return { setCell, valueOf, isEdited, corrections, forget };
}

export type RowEdits = ReturnType<typeof useRowEdits>;
