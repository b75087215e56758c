import { useId } from 'react';

import type { InspectPreview } from '@/types/api';

import type { MappingRow } from '../lib/resolution';

/**
 * The first rows as the import would read them: one column per dataset column, each refused cell
 * marked (class, aria-invalid) with its message written in the cell, so it is seen and read out.
 */
export function PreviewGrid({ preview, columns }: { preview: InspectPreview; columns: MappingRow[] }) {
  const id = useId();
  return (
    <div className="table-wrap preview-wrap" role="region" tabIndex={0} aria-labelledby={`${id}-caption`}>
      <table className="table preview-grid">
        <caption className="table-caption" id={`${id}-caption`}>
          Preview of the first rows
        </caption>
        <thead>
          <tr>
            <th scope="col">Row</th>
            {columns.map((column) => (
              <th scope="col" key={column.column}>
                {column.column}
                {column.header && column.header !== column.column ? (
                  <span className="preview-header-source"> ← {column.header}</span>
                ) : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row) => (
            <tr key={row.row_number} className={row.valid ? undefined : 'row-invalid'}>
              <th scope="row" className="num">
                {row.row_number}
              </th>
              {row.record_errors.length ? (
                <td colSpan={columns.length} className="cell-invalid" aria-invalid="true">
                  <span className="cell-error">
                    <span className="sr-only">Error: </span>
                    {row.record_errors.join('; ')}
                  </span>
                </td>
              ) : (
                row.cells.map((cell) =>
                  cell.error ? (
                    <td key={cell.column} className="cell-invalid" aria-invalid="true" title={cell.error}>
                      <span className="cell-text">{cell.text ?? ''}</span>
                      <span className="cell-error">
                        <span className="sr-only">Error in {cell.column}: </span>
                        {cell.error}
                      </span>
                    </td>
                  ) : (
                    <td key={cell.column} className={cell.text === null ? 'cell-unfed' : undefined}>
                      {cell.value ?? cell.text ?? ''}
                    </td>
                  ),
                )
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
