/**
 * The server's column resolution (POST /api/imports/inspect/) shaped for the matching table.
 * No rule lives here: which header feeds which column is decided by the server alone.
 */
import type { Dataset, ImportInspection } from '@/types/api';

export type MatchStatus = 'matched' | 'matched by alias' | 'mapped' | 'missing';

export type ColumnMatch = {
  column: string;
  required: boolean;
  status: MatchStatus;
  /** The header as written in the file, or null when none feeds the column. */
  header: string | null;
};

const STATUS_OF = { name: 'matched', alias: 'matched by alias', mapping: 'mapped' } as const;

export type MatchTable = {
  columns: ColumnMatch[];
  missing: string[];
  ignored: string[];
  /** Columns offered a select: those the person mapped, and required ones no header feeds. */
  selectable: Set<string>;
};

export function matchTable(dataset: Dataset, inspection: ImportInspection): MatchTable | null {
  const resolution = inspection.resolution;
  if (!resolution) return null;
  const found = new Map(resolution.columns.map((match) => [match.column, match]));
  const columns: ColumnMatch[] = dataset.columns.map((column) => {
    const match = found.get(column.name);
    return {
      column: column.name,
      required: column.required,
      status: match ? STATUS_OF[match.matched_by] : 'missing',
      header: match ? match.header : null,
    };
  });
  const selectable = new Set(
    columns.filter((c) => c.status === 'mapped' || (c.status === 'missing' && c.required)).map((c) => c.column),
  );
  return { columns, missing: resolution.missing, ignored: resolution.ignored, selectable };
}
