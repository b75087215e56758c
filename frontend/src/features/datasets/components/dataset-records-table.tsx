import { type ReactNode, useEffect, useState } from 'react';
import { Link } from 'react-router';

import { ErrorState } from '@/components/errors/error-state';
import { DateTime } from '@/components/ui/date-time';
import { Pagination } from '@/components/ui/pagination';
import { Loading } from '@/components/ui/spinner';
import { EmptyRow, Table } from '@/components/ui/table';
import { paths } from '@/config/paths';
import { formatCountOf } from '@/lib/format';
import type { ColumnSpec, Dataset, DatasetRecord } from '@/types/api';

import { useDatasetRecords } from '../api/list-dataset-records';

const PAGE_SIZE = 50;
const NUMERIC_TYPES = new Set(['integer', 'decimal']);
// The column types the server searches in (backend datasets/selectors.py), named in the hint.
const SEARCHED_TYPES = new Set(['string', 'isbn', 'phone', 'email', 'choice']);

function text(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function Cell({ column, value }: { column: ColumnSpec; value: DatasetRecord['values'][string] }) {
  let shown: ReactNode;
  if (value === null || value === undefined || value === '') shown = <span className="muted">—</span>;
  else if (typeof value === 'boolean') shown = value ? 'Yes' : 'No';
  else if (column.type === 'datetime' && typeof value === 'string') shown = <DateTime iso={value} />;
  else if (column.type === 'isbn') shown = <code>{text(value)}</code>;
  else shown = text(value);
  return <td className={NUMERIC_TYPES.has(column.type) ? 'num' : undefined}>{shown}</td>;
}

/** The stored rows of one dataset: a column per dataset column, searchable, a page at a time. */
export function DatasetRecordsTable({ dataset }: { dataset: Dataset }) {
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);

  useEffect(() => {
    // Only a changed search goes back to page 1; a page chosen just after loading stays.
    if (query === search) return undefined;
    const timer = window.setTimeout(() => {
      setSearch(query);
      setPage(1);
    }, 250);
    return () => window.clearTimeout(timer);
  }, [query, search]);

  const { data, error, mutate, isLoading, isValidating } = useDatasetRecords(dataset.name, { search, page });
  const label = dataset.label.toLowerCase();
  const width = dataset.columns.length + 1;
  const searched = dataset.columns.filter((c) => SEARCHED_TYPES.has(c.type)).map((c) => c.label);

  return (
    <div className="stack">
      <div className="toolbar">
        <div className="field field-inline field-grow">
          <label htmlFor="record-search">Search {label}</label>
          <input
            id="record-search"
            type="search"
            placeholder={searched.join(', ')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
        <span className="muted small" aria-live="polite">
          {data
            ? `${formatCountOf(data.count, 'row')}${isValidating ? ' · updating…' : ''}`
            : null}
        </span>
      </div>
      {error ? <ErrorState error={error} onRetry={() => void mutate()} /> : null}
      {!data && isLoading ? <Loading label={`Loading the ${label}…`} /> : null}
      {data ? (
        <>
          <Table caption={dataset.label} hideCaption>
            <thead>
              <tr>
                {dataset.columns.map((column) => (
                  <th key={column.name} scope="col" className={NUMERIC_TYPES.has(column.type) ? 'num' : undefined}>
                    {column.label}
                  </th>
                ))}
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {data.results.length === 0 ? (
                <EmptyRow colSpan={width}>
                  {search ? `No ${label} match “${search}”.` : `No ${label} yet. `}
                  {!search ? <Link to={paths.import}>Import a file</Link> : null}
                </EmptyRow>
              ) : (
                data.results.map((record) => (
                  <tr key={record.id}>
                    {dataset.columns.map((column) => (
                      <Cell key={column.name} column={column} value={record.values[column.name]} />
                    ))}
                    <td>
                      <DateTime iso={record.updated_at} />
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </Table>
          <Pagination label={`${dataset.label} pages`} page={page} pageSize={PAGE_SIZE} data={data} onPage={setPage} />
        </>
      ) : null}
    </div>
  );
}
