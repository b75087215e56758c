import { useState } from 'react';
import { Link } from 'react-router';

import { ErrorState, describeError } from '@/components/errors/error-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Pagination } from '@/components/ui/pagination';
import { Loading } from '@/components/ui/spinner';
import { EmptyRow, Num, Table } from '@/components/ui/table';
import { jobPath, paths } from '@/config/paths';
import { LiveIndicator } from '@/components/ui/live-indicator';
import { formatCount, formatDateTime, formatStartedBy } from '@/lib/format';
import { ALL_STATUSES, type ImportJob, type ImportStatus, isFinalStatus } from '@/types/api';

import { deleteImportFiles } from '../api/delete-import-files';
import { useImports } from '../api/list-imports';
import { OutcomeBadge } from './outcome-badge';

const PAGE_SIZE = 50;

export function HistoryTable() {
  const [status, setStatus] = useState<ImportStatus | ''>('');
  const [page, setPage] = useState(1);
  const { data, error, mutate, isLoading } = useImports({ status, page });
  const [deleting, setDeleting] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<unknown>(null);

  const onDelete = async (job: ImportJob) => {
    const question =
      `Delete the files of “${job.filename}”? The uploaded file, its cleaned copy and its rejected rows are ` +
      'removed for good; the rows it loaded stay stored.';
    if (!window.confirm(question)) return;
    setDeleting(job.id);
    setDeleteError(null);
    try {
      await deleteImportFiles(job.id);
      await mutate();
    } catch (err) {
      setDeleteError(err);
    } finally {
      setDeleting(null);
    }
  };
  const deleteMessage = deleteError ? describeError(deleteError) : null;

  return (
    <div className="stack">
      <div className="toolbar">
        <div className="field field-inline">
          <label htmlFor="status-filter">Status</label>
          <select
            id="status-filter"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as ImportStatus | '');
              setPage(1);
            }}
          >
            <option value="">All</option>
            {ALL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <LiveIndicator />
        <Link to={paths.import} className="btn btn-primary btn-sm">
          New import
        </Link>
      </div>
      {error ? <ErrorState error={error} onRetry={() => void mutate()} /> : null}
      {deleteMessage ? (
        <Alert tone="danger" title={deleteMessage.title}>
          {deleteMessage.detail || null}
        </Alert>
      ) : null}
      {!data && isLoading ? <Loading label="Loading the imports…" /> : null}
      {data ? (
        <>
          <Table caption="Import history" hideCaption className="history-table table-stacked">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">File</th>
                <th scope="col">Dataset</th>
                <th scope="col">Started by</th>
                <th scope="col" className="num">
                  Created
                </th>
                <th scope="col" className="num">
                  Updated
                </th>
                <th scope="col" className="num">
                  Skipped
                </th>
                <th scope="col" className="num">
                  Failed
                </th>
                <th scope="col">Started</th>
                <th scope="col">Files</th>
              </tr>
            </thead>
            <tbody>
              {data.results.length === 0 ? (
                <EmptyRow colSpan={10}>
                  {status ? `No ${status} imports.` : 'No imports yet. '}
                  {!status ? <Link to={paths.import}>Import a file</Link> : null}
                </EmptyRow>
              ) : (
                data.results.map((job) => (
                  <tr key={job.id}>
                    <td>
                      <OutcomeBadge job={job} />
                    </td>
                    <td className="cell-file">
                      <Link to={jobPath(job.id)}>{job.filename}</Link>
                    </td>
                    <td data-label="Dataset">{job.dataset}</td>
                    <td className="cell-started-by" data-label="Started by">{formatStartedBy(job.started_by)}</td>
                    <Num data-label="Created">{formatCount(job.created_rows ?? 0)}</Num>
                    <Num data-label="Updated">{formatCount(job.updated_rows ?? 0)}</Num>
                    <Num data-label="Skipped">{formatCount(job.skipped_rows ?? 0)}</Num>
                    <Num data-label="Failed" className={job.failed_rows ? 'num text-danger' : 'num'}>{formatCount(job.failed_rows ?? 0)}</Num>
                    <td data-label="Started">
                      <time dateTime={job.created_at}>{formatDateTime(job.created_at)}</time>
                    </td>
                    <td className="cell-files" data-label="Files">
                      {job.files_removed_at ? (
                        <span className="muted small">{job.files_removed_reason === 'deleted' ? 'deleted' : 'expired'}</span>
                      ) : isFinalStatus(job.status) ? (
                        <Button
                          variant="ghost"
                          size="sm"
                          busy={deleting === job.id}
                          disabled={deleting !== null}
                          onClick={() => void onDelete(job)}
                          aria-label={`Delete the files of ${job.filename}`}
                        >
                          Delete
                        </Button>
                      ) : null}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </Table>
          <Pagination label="History pages" page={page} pageSize={PAGE_SIZE} data={data} onPage={setPage} />
        </>
      ) : null}
    </div>
  );
}
