import { useEffect, useState } from 'react';

import { ErrorState } from '@/components/errors/error-state';
import { Pagination } from '@/components/ui/pagination';
import { Table } from '@/components/ui/table';
import type { RowError } from '@/types/api';

import { useImportErrors } from '../api/get-import-errors';

/** The key the server uses for an error about the whole record rather than one column. */
const RECORD_KEY = '__all__';

type Line = { key: string; row: number; column: string; message: string; raw: string; first: boolean };

/** One line per (row, column, message). */
export function flattenRowErrors(errors: RowError[]): Line[] {
  const lines: Line[] = [];
  for (const error of errors) {
    let first = true;
    const entries = Object.entries(error.errors);
    if (entries.length === 0) entries.push([RECORD_KEY, ['rejected']]);
    for (const [column, messages] of entries) {
      for (const [i, message] of messages.entries()) {
        lines.push({
          key: `${error.row_number}-${column}-${i}`,
          row: error.row_number,
          column: column === RECORD_KEY ? '(whole row)' : column,
          message,
          raw: error.raw_data,
          first,
        });
        first = false;
      }
    }
  }
  return lines;
}

export type RejectedRowsProps = {
  jobId: string;
  /** Changes when the job's stored errors change, so the current page is fetched again. */
  version: string;
  pageSize?: number;
};

export function RejectedRows({ jobId, version, pageSize = 50 }: RejectedRowsProps) {
  const [page, setPage] = useState(1);
  const { data, error, mutate, isLoading } = useImportErrors(jobId, page);

  useEffect(() => {
    void mutate();
  }, [version, mutate]);

  if (error && !data) return <ErrorState error={error} onRetry={() => void mutate()} />;
  if (!data) return isLoading ? <p className="muted">Loading the rejected rows…</p> : null;

  const lines = flattenRowErrors(data.results);
  return (
    <div className="stack-sm">
      <Table caption="Rejected rows" hideCaption className="table-errors">
        <thead>
          <tr>
            <th scope="col" className="num">
              Row
            </th>
            <th scope="col">Column</th>
            <th scope="col">Message</th>
            <th scope="col">Raw row</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <tr key={line.key} className={line.first ? 'row-first' : 'row-cont'}>
              <td className="num">{line.row}</td>
              <td>{line.column === '(whole row)' ? <span className="muted">{line.column}</span> : <code>{line.column}</code>}</td>
              <td>{line.message}</td>
              <td>
                <code className="raw">{line.raw}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Pagination label="Rejected rows pages" page={page} pageSize={pageSize} data={data} onPage={setPage} />
    </div>
  );
}
