import { useEffect, useRef, useState } from 'react';

import { ErrorState, describeError } from '@/components/errors/error-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Pagination } from '@/components/ui/pagination';
import { formatCount } from '@/lib/format';
import { type ImportJobDetail, isFinalStatus, type RowsResubmitted } from '@/types/api';

import { useImportErrors } from '../api/get-import-errors';
import { useImportErrorsSummary } from '../api/get-import-errors-summary';
import { resubmitErrorsFile, resubmitRows } from '../api/resubmit-rows';
import { ErrorGroups, type ErrorFilter } from './error-groups';
import { PageJump } from './page-jump';
import { RejectedRowsGrid } from './rejected-rows-grid';
import { useRowEdits } from './use-row-edits';

export const ERRORS_PAGE_SIZE = 50;

/** A completed import takes corrected rows into itself; a dry run, a reverted job or removed files do not. */
export function canResubmit(job: ImportJobDetail): boolean {
  return job.status === 'completed' && !job.dry_run && !job.reverted_at && !job.files_removed_at;
}

function resultText(answer: RowsResubmitted): string {
  const loaded = answer.resolved.length;
  const still = answer.still_failing.length;
  const parts = [`${formatCount(loaded)} ${loaded === 1 ? 'row' : 'rows'} loaded`];
  if (still) parts.push(`${formatCount(still)} still rejected, with new messages`);
  return `${parts.join('; ')}.`;
}

export type RejectedRowsSectionProps = {
  job: ImportJobDetail;
  downloading: boolean;
  onDownloadErrors: () => void;
  onJobChanged: (job: ImportJobDetail) => void;
  pageSize?: number;
};

export function RejectedRowsSection({ job, downloading, onDownloadErrors, onJobChanged, pageSize = ERRORS_PAGE_SIZE }: RejectedRowsSectionProps) {
  const running = !isFinalStatus(job.status);
  const filesRemoved = Boolean(job.files_removed_at);
  const hasErrors = !filesRemoved && ((job.failed_rows ?? 0) > 0 || (job.stored_errors ?? 0) > 0);
  return (
    <section className="card" aria-labelledby="rejected-title">
      <div className="card-head">
        <h2 id="rejected-title" className="card-title">
          Rejected rows
        </h2>
        {hasErrors ? (
          <Button variant="secondary" size="sm" busy={downloading} disabled={downloading} onClick={onDownloadErrors}>
            Download errors.csv
          </Button>
        ) : null}
      </div>
      {hasErrors ? (
        <>
          {(job.failed_rows ?? 0) > (job.stored_errors ?? 0) ? (
            <p className="muted small">
              {formatCount(job.failed_rows ?? 0)} rows were rejected; the first {formatCount(job.stored_errors ?? 0)} are kept with
              their errors.
            </p>
          ) : null}
          <RejectedRows job={job} onJobChanged={onJobChanged} pageSize={pageSize} />
        </>
      ) : filesRemoved && (job.failed_rows ?? 0) > 0 ? (
        <p className="muted">{formatCount(job.failed_rows ?? 0)} rows were rejected; their details were removed with the files.</p>
      ) : (
        <p className="muted">{running ? 'No rows rejected so far.' : 'No rows were rejected.'}</p>
      )}
    </section>
  );
}

function RejectedRows({ job, onJobChanged, pageSize }: { job: ImportJobDetail; onJobChanged: (job: ImportJobDetail) => void; pageSize: number }) {
  const [filter, setFilter] = useState<ErrorFilter>({ column: '', message: '' });
  const [page, setPage] = useState(1);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const grid = useRef<HTMLDivElement>(null);
  const top = useRef<HTMLDivElement>(null);
  const edits = useRowEdits();
  const editable = canResubmit(job);

  const errors = useImportErrors(job.id, { page, column: filter.column, message: filter.message, pageSize });
  const summary = useImportErrorsSummary(job.id);
  const { mutate: refreshErrors } = errors;
  const { mutate: refreshSummary } = summary;

  // The job's stored errors changed (a batch, a correction, another tab): read the grid again.
  const version = `${job.status}:${job.stored_errors ?? 0}:${job.failed_rows ?? 0}`;
  useEffect(() => {
    void refreshErrors();
    void refreshSummary();
  }, [version, refreshErrors, refreshSummary]);

  const goTo = (next: number) => {
    setPage(next);
    // A new page starts at the grid's top, not where the last one was left.
    if (grid.current) {
      grid.current.scrollTop = 0;
      grid.current.scrollLeft = 0;
    }
    top.current?.scrollIntoView?.({ block: 'start' });
  };

  const onFilter = (next: ErrorFilter) => {
    setFilter(next);
    goTo(1);
  };

  const afterResubmit = (answer: RowsResubmitted, sent: number[]) => {
    edits.forget(sent);
    onJobChanged(answer.job);
    setNotice(resultText(answer));
    void refreshErrors();
    void refreshSummary();
  };

  const send = async (request: () => Promise<RowsResubmitted>, sent: number[]) => {
    setSending(true);
    setSendError(null);
    setNotice(null);
    try {
      afterResubmit(await request(), sent);
    } catch (err) {
      setSendError(err);
    } finally {
      setSending(false);
    }
  };

  const onResubmit = () => {
    const rows = edits.corrections;
    if (rows.length) void send(() => resubmitRows(job.id, rows), rows.map((row) => row.row_number));
  };

  const onFile = (file: File | undefined) => {
    if (file) void send(() => resubmitErrorsFile(job.id, file), []);
  };

  const data = errors.data;
  const pages = data ? Math.max(1, Math.ceil(data.count / pageSize)) : 1;
  const problem = sendError ? describeError(sendError) : null;
  const changed = edits.corrections.length;

  return (
    <div className="stack-sm" ref={top}>
      {summary.data && summary.data.groups.length ? (
        <ErrorGroups groups={summary.data.groups} filter={filter} onFilter={onFilter} />
      ) : null}
      {summary.data && summary.data.resolved ? (
        <p className="muted small" data-testid="resolved-rows">
          {formatCount(summary.data.resolved)} {summary.data.resolved === 1 ? 'row was' : 'rows were'} fixed and loaded since; they
          are no longer listed.
        </p>
      ) : null}
      {editable ? (
        <div className="resubmit-bar">
          <p className="muted small">Correct the cells in the grid, then resubmit: the rows go into this import.</p>
          <div className="resubmit-actions">
            <Button onClick={onResubmit} busy={sending} disabled={sending || changed === 0}>
              Resubmit fixed rows{changed ? ` (${formatCount(changed)})` : ''}
            </Button>
            <label className={`btn btn-secondary btn-sm file-button${sending ? ' is-disabled' : ''}`}>
              Upload a corrected errors file
              <input
                type="file"
                accept=".csv,text/csv"
                className="sr-only"
                disabled={sending}
                onChange={(event) => {
                  onFile(event.target.files?.[0]);
                  event.target.value = '';
                }}
              />
            </label>
          </div>
        </div>
      ) : null}
      {notice ? (
        <Alert tone="success" role="status" title="Resubmitted">
          {notice}
        </Alert>
      ) : null}
      {problem ? (
        <Alert tone="danger" title={problem.title}>
          {problem.detail || null}
        </Alert>
      ) : null}
      {errors.error && !data ? <ErrorState error={errors.error} onRetry={() => void refreshErrors()} /> : null}
      {!data ? (
        errors.isLoading ? <p className="muted">Loading the rejected rows…</p> : null
      ) : data.count === 0 ? (
        <p className="muted">{filter.column ? 'No open rejected row matches these filters.' : 'Every rejected row was fixed.'}</p>
      ) : (
        <>
          <RejectedRowsGrid ref={grid} columns={summary.data?.columns ?? []} rows={data.results} edits={editable ? edits : null} />
          <div className="grid-paging">
            <Pagination label="Rejected rows pages" page={page} pageSize={pageSize} data={data} onPage={goTo} />
            <PageJump page={page} pages={pages} onPage={goTo} />
          </div>
        </>
      )}
    </div>
  );
}
