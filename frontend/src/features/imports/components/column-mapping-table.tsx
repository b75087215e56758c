import type { MappingRow, MatchStatus } from '../lib/resolution';

export type ColumnMappingTableProps = {
  rows: MappingRow[];
  /** The file's headers, in its order. */
  headers: string[];
  onMap: (column: string, header: string) => void;
  disabled?: boolean;
};

const STATUS_CLASS: Record<MatchStatus, string> = {
  matched: 'match-ok',
  'matched by alias': 'match-ok',
  mapped: 'match-mapped',
  suggested: 'match-suggested',
  'left empty': 'match-empty',
  missing: 'match-missing',
  'not in the file': 'match-empty',
};

/**
 * One row per dataset column: how the server matched it and a select of every header (or none).
 * Any change is sent back to the server, which answers the new resolution.
 */
export function ColumnMappingTable({ rows, headers, onMap, disabled = false }: ColumnMappingTableProps) {
  const options = headers.filter((h, i) => h.trim() !== '' && headers.indexOf(h) === i);
  return (
    <div className="table-wrap mapping-table-wrap">
      <table className="table mapping-table table-stacked">
        <caption className="table-caption">Column matching</caption>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Status</th>
            <th scope="col">Header in the file</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.column} className={row.status === 'missing' ? 'row-missing' : undefined}>
              <td className="cell-name">
                <code>{row.column}</code>{' '}
                {row.required ? <span className="badge badge-danger-soft">required</span> : null}
              </td>
              <td className="cell-status">
                <span className={`match-status ${STATUS_CLASS[row.status]}`}>{row.status}</span>
                {row.status === 'suggested' && row.similarity !== null ? (
                  <span className="muted small"> ({Math.round(row.similarity * 100)} % alike)</span>
                ) : null}
              </td>
              <td className="cell-header" data-label="Header in the file">
                <select
                  aria-label={`Header for ${row.column}`}
                  value={row.header ?? ''}
                  disabled={disabled}
                  onChange={(e) => onMap(row.column, e.target.value)}
                >
                  <option value="">Leave empty</option>
                  {options.map((header) => (
                    <option key={header} value={header}>
                      {header}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
