import { useEffect, useState } from 'react';
import { Link } from 'react-router';

import { ErrorState, describeError } from '@/components/errors/error-state';
import { Alert } from '@/components/ui/alert';
import { StatusBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ProgressBar } from '@/components/ui/progress-bar';
import { Loading } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import { LiveIndicator } from '@/components/ui/live-indicator';
import { ApiError } from '@/lib/api-client';
import { formatBytes, formatDateTime, formatDuration, formatRate, formatStartedBy } from '@/lib/format';
import { type ImportJobDetail, isFinalStatus, type SanitizeReport } from '@/types/api';

import { cancelImport } from '../api/cancel-import';
import { downloadCleanedCsv, downloadErrorsCsv } from '../api/download-errors-csv';
import { useImportJob } from '../api/get-import';
import { RejectedRows } from './rejected-rows-table';
import { StartFromDryRun } from './start-from-dry-run';

const ON_CONFLICT_TEXT: Record<ImportJobDetail['on_conflict'], string> = {
  error: 'report an error',
  skip: 'skip the row',
  update: 'update the stored row',
};

function Counter({ name, label, value, tone }: { name: string; label: string; value: number | null; tone?: string }) {
  return (
    <div className={`counter${tone ? ` counter-${tone}` : ''}`}>
      <dt>{label}</dt>
      {/* null: not known yet (the worker has not counted the file), which is not the same as 0. */}
      <dd data-testid={`count-${name}`}>{value === null ? '—' : String(Math.trunc(value))}</dd>
    </div>
  );
}

function progressTone(job: ImportJobDetail): 'info' | 'success' | 'danger' | 'warning' {
  if (job.status === 'completed') return 'success';
  if (job.status === 'failed') return 'danger';
  if (job.status === 'cancelled') return 'warning';
  return 'info';
}

export function JobView({ id, pollMs }: { id: string; pollMs?: number }) {
  const { data: job, error, mutate } = useImportJob(id, pollMs === undefined ? {} : { pollMs });
  const [actionError, setActionError] = useState<unknown>(null);
  const [cancelling, setCancelling] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const title = job ? `${job.filename} (${job.status})` : null;

  useEffect(() => {
    if (title) document.title = `${title} · Intake`;
  }, [title]);

  if (!job) {
    if (error instanceof ApiError && error.status === 404) {
      return (
        <div className="empty-state">
          <h1>Import not found</h1>
          <p className="muted">There is no import with this address in your workspace. It may belong to another workspace, or the link is mistyped.</p>
          <Link className="btn btn-secondary" to={paths.imports}>
            Back to History
          </Link>
        </div>
      );
    }
    if (error) return <ErrorState error={error} onRetry={() => void mutate()} />;
    return <Loading label="Loading the import…" />;
  }

  const running = !isFinalStatus(job.status);
  const total = job.total_rows ?? null;
  const percent = job.status === 'completed' ? 100 : job.progress_percent;

  const onCancel = async () => {
    setCancelling(true);
    setActionError(null);
    try {
      await mutate(await cancelImport(job.id), { revalidate: false });
    } catch (err) {
      setActionError(err);
    } finally {
      setCancelling(false);
    }
  };

  const onDownload = async (download: (id: string) => Promise<void> = downloadErrorsCsv) => {
    setDownloading(true);
    setActionError(null);
    try {
      await download(job.id);
    } catch (err) {
      setActionError(err);
      // A 410 means the files were removed meanwhile: show the job as it is now.
      if (err instanceof ApiError && err.status === 410) void mutate();
    } finally {
      setDownloading(false);
    }
  };

  const actionMessage = actionError ? describeError(actionError) : null;
  const filesRemoved = Boolean(job.files_removed_at);
  const hasErrors = !filesRemoved && ((job.failed_rows ?? 0) > 0 || (job.stored_errors ?? 0) > 0);
  const waitingTitle =
    job.status === 'pending' ? 'Waiting for a worker' : job.status === 'sanitizing' ? 'Checking the file' : 'Importing';

  return (
    <article className="job stack">
      <p className="breadcrumbs">
        <Link to={paths.imports}>← All imports</Link>
      </p>
      <header className="page-header">
        <div>
          <h1 className="job-title">{job.filename}</h1>
          <p className="muted">
            into <strong>{job.dataset}</strong> · {formatBytes(job.file_size ?? 0)} · when a key exists:{' '}
            {ON_CONFLICT_TEXT[job.on_conflict]} ·{' '}
            {job.started_at ? `started ${formatDateTime(job.started_at)}` : `uploaded ${formatDateTime(job.created_at)}`}
            {job.started_by?.via ? (
              <>
                {' '}
                by <span data-testid="job-started-by">{formatStartedBy(job.started_by)}</span>
              </>
            ) : null}
          </p>
        </div>
        <div className="page-header-actions">
          <StatusBadge status={job.status} data-testid="job-status" className="badge-lg" />
          {running ? <LiveIndicator /> : null}
          {running ? (
            <Button variant="danger" size="sm" busy={cancelling} disabled={cancelling} onClick={onCancel}>
              Cancel import
            </Button>
          ) : (
            <Link className="btn btn-secondary btn-sm" to={paths.import}>
              Import another file
            </Link>
          )}
        </div>
      </header>

      {error && !(error instanceof ApiError && error.status === 404) ? (
        <ErrorState error={error} onRetry={() => void mutate()} />
      ) : null}
      {actionMessage ? (
        <Alert tone="danger" title={actionMessage.title}>
          {actionMessage.detail || null}
        </Alert>
      ) : null}
      <StartFromDryRun job={job} />
      {job.status === 'failed' ? (
        <Alert tone="danger" title="The import failed">
          {job.error_message || 'The file could not be imported.'}
        </Alert>
      ) : null}
      {job.status === 'cancelled' ? (
        <Alert tone="warning" role="status" title="The import was cancelled">
          Rows loaded before it stopped stay stored.
        </Alert>
      ) : null}

      <section className="card" aria-labelledby="progress-title">
        <h2 id="progress-title" className="card-title">
          {running ? waitingTitle : 'Summary'}
        </h2>
        <ProgressBar
          label="Import progress"
          value={(job.status === 'pending' || job.status === 'sanitizing') && !(job.processed_rows ?? 0) ? 0 : percent}
          tone={progressTone(job)}
          valueText={`${Math.round(percent)}%`}
        />
        <p className="progress-caption">
          <span>
            <strong>{(job.processed_rows ?? 0)}</strong> of {total === null ? 'unknown' : <strong>{total}</strong>} rows
          </span>
          <span>{Math.round(percent)}%</span>
        </p>
        <dl className="stats">
          {running ? (
            <>
              <div className="stat">
                <dt>Speed</dt>
                <dd>{formatRate(job.rows_per_second)}</dd>
              </div>
              <div className="stat">
                <dt>Time left</dt>
                <dd>{job.eta_seconds === null ? '—' : formatDuration(job.eta_seconds)}</dd>
              </div>
            </>
          ) : (
            <>
              <div className="stat">
                <dt>Duration</dt>
                <dd>{formatDuration(job.duration_seconds)}</dd>
              </div>
              <div className="stat">
                <dt>Average speed</dt>
                <dd>{formatRate(job.rows_per_second)}</dd>
              </div>
              <div className="stat">
                <dt>Finished</dt>
                <dd>{formatDateTime(job.finished_at)}</dd>
              </div>
            </>
          )}
        </dl>
        <dl className="counters">
          <Counter name="total" label="Total" value={job.total_rows ?? null} />
          <Counter name="processed" label="Processed" value={(job.processed_rows ?? 0)} />
          <Counter name="created" label="Created" value={(job.created_rows ?? 0)} tone="success" />
          <Counter name="updated" label="Updated" value={(job.updated_rows ?? 0)} tone="info" />
          <Counter name="unchanged" label="Unchanged" value={job.unchanged_rows ?? 0} />
          <Counter name="skipped" label="Skipped" value={(job.skipped_rows ?? 0)} tone="warning" />
          <Counter name="failed" label="Failed" value={(job.failed_rows ?? 0)} tone="danger" />
        </dl>
        {job.ignored_columns.length ? (
          <p className="muted small">Columns in the file that were not imported: {job.ignored_columns.join(', ')}</p>
        ) : null}
      </section>

      <FileSection job={job} busy={downloading} onDownloadCleaned={() => void onDownload(downloadCleanedCsv)} />

      <section className="card" aria-labelledby="rejected-title">
        <div className="card-head">
          <h2 id="rejected-title" className="card-title">
            Rejected rows
          </h2>
          {hasErrors ? (
            <Button variant="secondary" size="sm" busy={downloading} disabled={downloading} onClick={() => void onDownload()}>
              Download errors.csv
            </Button>
          ) : null}
        </div>
        {hasErrors ? (
          <>
            {(job.failed_rows ?? 0) > (job.stored_errors ?? 0) ? (
              <p className="muted small">
                {(job.failed_rows ?? 0)} rows were rejected; the first {(job.stored_errors ?? 0)} are kept with their errors.
              </p>
            ) : null}
            <RejectedRows jobId={job.id} version={`${job.status}:${(job.stored_errors ?? 0)}`} />
          </>
        ) : filesRemoved && (job.failed_rows ?? 0) > 0 ? (
          <p className="muted">{job.failed_rows} rows were rejected; their details were removed with the files.</p>
        ) : (
          <p className="muted">{running ? 'No rows rejected so far.' : 'No rows were rejected.'}</p>
        )}
      </section>
    </article>
  );
}

const REPORT_LINES: { key: keyof SanitizeReport; text: (n: number) => string }[] = [
  { key: 'nul_removed', text: (n) => `${n} NUL characters removed` },
  { key: 'control_characters_removed', text: (n) => `${n} other control characters removed` },
  { key: 'line_endings_normalised', text: (n) => `${n} line endings turned into LF` },
  { key: 'header_names_trimmed', text: (n) => `${n} header names trimmed` },
  { key: 'lines_cut', text: (n) => `${n} lines over the length limit cut (each is a rejected row)` },
  { key: 'undecodable_bytes', text: (n) => `${n} bytes not valid in the file's encoding (their rows are rejected)` },
];

/** What sanitizing did to the file, the cleaned output, and whether the files are still kept. */
function FileSection({ job, busy, onDownloadCleaned }: { job: ImportJobDetail; busy: boolean; onDownloadCleaned: () => void }) {
  const report = job.sanitize_report;
  const changes = report
    ? REPORT_LINES.filter((line) => Number(report[line.key]) > 0).map((line) => line.text(Number(report[line.key])))
    : [];
  if (report?.bom_removed) changes.unshift('byte-order mark removed');
  return (
    <section className="card" aria-labelledby="file-title">
      <div className="card-head">
        <h2 id="file-title" className="card-title">
          File
        </h2>
        {job.cleaned_url ? (
          <Button variant="secondary" size="sm" busy={busy} disabled={busy} onClick={onDownloadCleaned}>
            Download cleaned.csv
          </Button>
        ) : null}
      </div>
      {job.files_removed_at ? (
        <p className="muted" role="status">
          The files of this import were {job.files_removed_reason === 'deleted' ? 'deleted' : 'removed by the retention policy'} on{' '}
          {formatDateTime(job.files_removed_at)}. The rows it loaded stay stored.
        </p>
      ) : null}
      {job.status === 'sanitizing' ? <p className="muted">The file is being checked and cleaned before the import.</p> : null}
      {report ? (
        <>
          <p className="muted small">
            {job.format === 'xlsx' ? `Excel workbook, sheet “${job.sheet}”` : `Read as ${report.source_encoding}`}
            {job.final_size !== null && job.final_size !== undefined
              ? ` · ${formatBytes(job.file_size ?? 0)} uploaded, ${formatBytes(job.final_size)} after cleaning`
              : null}
          </p>
          {changes.length ? (
            <ul className="small" aria-label="What cleaning changed">
              {changes.map((change) => (
                <li key={change}>{change}</li>
              ))}
            </ul>
          ) : (
            <p className="muted small">Cleaning changed nothing.</p>
          )}
        </>
      ) : null}
    </section>
  );
}
