import { forwardRef } from 'react';

import type { RowError } from '@/types/api';

import { columnLabel } from './error-groups';
import type { RowEdits } from './use-row-edits';

export type RejectedRowsGridProps = {
  columns: string[];
  rows: RowError[];
  /** Cells are inputs when the job takes corrected rows; text otherwise. */
  edits: RowEdits | null;
};

function messageId(row: number, column: string): string {
  return `row-${row}-${column}-message`;
}

/**
 * One line per rejected row, one column per dataset column: the bad cells highlighted with
 * their messages under them (tied to the cell for screen readers); messages about the whole
 * row, or a column not in the grid, under the row number. Scrolls sideways in its own box.
 */
export const RejectedRowsGrid = forwardRef<HTMLDivElement, RejectedRowsGridProps>(function RejectedRowsGrid(
  { columns, rows, edits },
  ref,
) {
  return (
    <div className="grid-scroll" ref={ref} tabIndex={0} role="region" aria-label="Rejected rows, scrollable">
      <table className="table table-grid">
        <caption className="sr-only">Rejected rows</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Row
            </th>
            {columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const rowMessages = Object.entries(row.errors).filter(([column]) => !columns.includes(column));
            const rowMessageId = messageId(row.row_number, '__row');
            return (
              <tr key={row.row_number} data-row={row.row_number}>
                <th scope="row" className="num grid-row-head">
                  {row.row_number}
                  {rowMessages.length ? (
                    <span className="cell-message" id={rowMessageId}>
                      {rowMessages.map(([column, messages]) => `${columnLabel(column)}: ${messages.join('; ')}`).join(' · ')}
                    </span>
                  ) : null}
                </th>
                {columns.map((column) => {
                  const messages = row.errors[column] ?? [];
                  const invalid = messages.length > 0;
                  const original = row.values[column] ?? '';
                  const describedBy = [invalid ? messageId(row.row_number, column) : '', rowMessages.length ? rowMessageId : '']
                    .filter(Boolean)
                    .join(' ');
                  const edited = edits?.isEdited(row.row_number, column) ?? false;
                  const classes = ['grid-cell', invalid ? 'cell-invalid' : '', edited ? 'cell-edited' : ''].filter(Boolean).join(' ');
                  return (
                    <td key={column} className={classes} data-column={column} aria-invalid={invalid || undefined}>
                      {edits ? (
                        <input
                          className="grid-input"
                          aria-label={`Row ${row.row_number}, ${column}`}
                          aria-invalid={invalid || undefined}
                          aria-describedby={describedBy || undefined}
                          value={edits.valueOf(row.row_number, column, original)}
                          onChange={(event) => edits.setCell(row.row_number, column, event.target.value, original)}
                          spellCheck={false}
                        />
                      ) : (
                        <span className="grid-text" aria-describedby={describedBy || undefined}>
                          {original}
                        </span>
                      )}
                      {invalid ? (
                        <span className="cell-message" id={messageId(row.row_number, column)}>
                          {messages.join('; ')}
                        </span>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
});
