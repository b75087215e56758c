/**
 * The server's column resolution (POST /api/imports/inspect/) shaped for the mapping step.
 * No rule lives here: which header feeds which column is decided by the server alone; this only
 * names what it answered.
 */
import type { ImportInspection, InspectFieldChoice } from '@/types/api';

export type MatchStatus =
  | 'matched'
  | 'matched by alias'
  | 'mapped'
  | 'suggested'
  | 'left empty'
  | 'missing'
  | 'not in the file';

export type MappingRow = {
  column: string;
  label: string;
  required: boolean;
  status: MatchStatus;
  /** The header as written in the file, or null when none feeds the column. */
  header: string | null;
  /** How alike a suggested header is, 0 to 1. */
  similarity: number | null;
};

export function statusOf(field: InspectFieldChoice): MatchStatus {
  switch (field.matched_by) {
    case 'name':
      return 'matched';
    case 'alias':
      return 'matched by alias';
    case 'mapping':
      return 'mapped';
    case 'similar':
      return 'suggested';
    default:
      if (field.required) return 'missing';
      return field.left_empty ? 'left empty' : 'not in the file';
  }
}

export type MappingView = {
  rows: MappingRow[];
  /** Required columns no header feeds: the upload would be refused. */
  missing: string[];
  /** Headers no column reads: the import ignores them. */
  ignored: string[];
};

export function mappingView(inspection: ImportInspection): MappingView | null {
  const resolution = inspection.resolution;
  if (!resolution) return null;
  return {
    rows: resolution.fields.map((field) => ({
      column: field.column,
      label: field.label,
      required: field.required,
      status: statusOf(field),
      header: field.header,
      similarity: field.similarity,
    })),
    missing: resolution.unfed_required,
    ignored: resolution.unread,
  };
}

/**
 * The column_mapping an upload sends: the person's own choices, and the suggestions they kept
 * (the server reads a suggestion only when the mapping names it). Empty when the server's
 * matching alone gives the same columns.
 */
export function uploadMapping(inspection: ImportInspection, chosen: Record<string, string>): Record<string, string> {
  const mapping: Record<string, string> = { ...chosen };
  for (const field of inspection.resolution?.fields ?? []) {
    if (field.matched_by === 'similar' && field.header !== null && !(field.column in mapping)) {
      mapping[field.column] = field.header;
    }
  }
  return mapping;
}
