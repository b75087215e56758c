/**
 * Which header of the file feeds which column of the dataset, by the server's rules
 * (backend imports/pipeline/mapping.py): the person's mapping first, then a header with the
 * column's own name, then one of its aliases. Names compare trimmed and case-insensitively;
 * every exact name is claimed before any alias, and a header feeds one column at most.
 */

export type MatchableColumn = { name: string; required: boolean; aliases: readonly string[] };

export type MatchStatus = 'matched' | 'matched by alias' | 'mapped' | 'missing';

export type ColumnMatch = {
  column: string;
  required: boolean;
  status: MatchStatus;
  /** The header as written in the file, or null when none feeds the column. */
  header: string | null;
};

export type MatchResult = {
  columns: ColumnMatch[];
  /** Required columns no header feeds. */
  missing: string[];
  /** Headers no column reads (blank names left out). */
  ignored: string[];
};

/** Trimmed and case-folded like Python's str.casefold(): upper then lower folds ß to ss too. */
export function normalizeName(name: string): string {
  return name.trim().toUpperCase().toLowerCase();
}

export function matchColumns(
  columns: readonly MatchableColumn[],
  headers: readonly string[],
  mapping: Readonly<Record<string, string>> = {},
): MatchResult {
  const positions = new Map<string, number>();
  headers.forEach((name, index) => {
    const key = normalizeName(name);
    if (!positions.has(key)) positions.set(key, index);
  });
  const taken = new Set<number>();
  const found = new Map<string, { index: number; status: MatchStatus }>();

  for (const column of columns) {
    const header = mapping[column.name];
    if (!header || !header.trim()) continue;
    const index = positions.get(normalizeName(header));
    if (index === undefined) continue;
    found.set(column.name, { index, status: 'mapped' });
    taken.add(index);
  }
  const claim = (column: string, candidate: string, status: MatchStatus): boolean => {
    const index = positions.get(normalizeName(candidate));
    if (index === undefined || taken.has(index)) return false;
    found.set(column, { index, status });
    taken.add(index);
    return true;
  };
  for (const column of columns) {
    if (!found.has(column.name)) claim(column.name, column.name, 'matched');
  }
  for (const column of columns) {
    if (!found.has(column.name)) column.aliases.some((alias) => claim(column.name, alias, 'matched by alias'));
  }

  const result: ColumnMatch[] = columns.map((column) => {
    const hit = found.get(column.name);
    return {
      column: column.name,
      required: column.required,
      status: hit ? hit.status : 'missing',
      header: hit ? (headers[hit.index] ?? null) : null,
    };
  });
  return {
    columns: result,
    missing: result.filter((c) => c.required && c.status === 'missing').map((c) => c.column),
    ignored: headers.filter((name, index) => !taken.has(index) && name.trim() !== ''),
  };
}
