import type { ColumnMatch } from '../lib/resolution';

export type ColumnMatchingTableProps = {
  matches: ColumnMatch[];
  headers: string[];
  /** Columns offered a select (required columns the file lacks). */
  selectable: ReadonlySet<string>;
  mapping: Record<string, string>;
  onMap: (column: string, header: string) => void;
};

const STATUS_CLASS: Record<ColumnMatch['status'], string> = {
  matched: 'match-ok',
  'matched by alias': 'match-ok',
  mapped: 'match-mapped',
  missing: 'match-missing',
};

/** One row per dataset column: its status and the header that feeds it, with a select when missing. */
export function ColumnMatchingTable({ matches, headers, selectable, mapping, onMap }: ColumnMatchingTableProps) {
  const options = headers.filter((h) => h.trim() !== '');
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="table-caption">Column matching</caption>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Required</th>
            <th scope="col">Status</th>
            <th scope="col">Header in the file</th>
            <th scope="col">Map to</th>
          </tr>
        </thead>
        <tbody>
          {matches.map((match) => (
            <tr key={match.column} className={match.status === 'missing' && match.required ? 'row-missing' : undefined}>
              <td>
                <code>{match.column}</code>
              </td>
              <td>{match.required ? 'required' : 'optional'}</td>
              <td>
                <span className={`match-status ${STATUS_CLASS[match.status]}`}>{match.status}</span>
              </td>
              <td>{match.header ?? '—'}</td>
              <td>
                {selectable.has(match.column) ? (
                  <select
                    aria-label={`Column for ${match.column}`}
                    value={mapping[match.column] ?? ''}
                    onChange={(e) => onMap(match.column, e.target.value)}
                  >
                    <option value="">Choose a header…</option>
                    {options.map((header) => (
                      <option key={header} value={header}>
                        {header}
                      </option>
                    ))}
                  </select>
                ) : match.required || match.status !== 'missing' ? (
                  <span className="muted" aria-hidden="true">
                    —
                  </span>
                ) : (
                  <span className="muted">left empty</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
