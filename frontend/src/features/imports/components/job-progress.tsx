import { ProgressBar } from '@/components/ui/progress-bar';
import { formatCount, formatDateTime, formatDuration, formatRate } from '@/lib/format';
import { type ImportJobDetail, isFinalStatus } from '@/types/api';

function Counter({ name, label, value, tone }: { name: string; label: string; value: number | null; tone?: string }) {
  return (
    <div className={`counter${tone ? ` counter-${tone}` : ''}`}>
      <dt>{label}</dt>
      {/* null: not known yet (the worker has not counted the file), which is not the same as 0. */}
      <dd data-testid={`count-${name}`}>{value === null ? '—' : formatCount(Math.trunc(value))}</dd>
    </div>
  );
}

function progressTone(job: ImportJobDetail): 'info' | 'success' | 'danger' | 'warning' {
  if (job.outcome === 'completed' || job.outcome === 'reverted') return 'success';
  if (job.outcome === 'completed_with_errors' || job.outcome === 'cancelled') return 'warning';
  if (job.outcome === 'all_failed' || job.outcome === 'failed') return 'danger';
  return 'info';
}

function Stat({ label, children }: { label: string; children: string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The bar, the speed or duration, and the counters: live while the job runs. */
export function JobProgress({ job }: { job: ImportJobDetail }) {
  const running = !isFinalStatus(job.status);
  const total = job.total_rows ?? null;
  const percent = job.status === 'completed' ? 100 : job.progress_percent;
  const waitingTitle =
    job.status === 'pending' ? 'Waiting for a worker' : job.status === 'sanitizing' ? 'Checking the file' : 'Importing';
  const notStarted = (job.status === 'pending' || job.status === 'sanitizing') && !(job.processed_rows ?? 0);
  return (
    <section className="card" aria-labelledby="progress-title">
      <h2 id="progress-title" className="card-title">
        {running ? waitingTitle : 'Summary'}
      </h2>
      <ProgressBar label="Import progress" value={notStarted ? 0 : percent} tone={progressTone(job)} valueText={`${Math.round(percent)}%`} />
      <p className="progress-caption">
        <span>
          <strong>{formatCount(job.processed_rows ?? 0)}</strong> of {total === null ? 'unknown' : <strong>{formatCount(total)}</strong>} rows
        </span>
        <span>{Math.round(percent)}%</span>
      </p>
      <dl className="stats">
        {running ? (
          <>
            <Stat label="Speed">{formatRate(job.rows_per_second)}</Stat>
            <Stat label="Time left">{job.eta_seconds === null ? '—' : formatDuration(job.eta_seconds)}</Stat>
          </>
        ) : (
          <>
            <Stat label="Duration">{formatDuration(job.duration_seconds)}</Stat>
            <Stat label="Average speed">{formatRate(job.rows_per_second)}</Stat>
            <Stat label="Finished">{formatDateTime(job.finished_at)}</Stat>
          </>
        )}
      </dl>
      <dl className="counters">
        <Counter name="total" label="Total" value={job.total_rows ?? null} />
        <Counter name="processed" label="Processed" value={job.processed_rows ?? 0} />
        <Counter name="created" label="Created" value={job.created_rows ?? 0} tone="success" />
        <Counter name="updated" label="Updated" value={job.updated_rows ?? 0} tone="info" />
        <Counter name="unchanged" label="Unchanged" value={job.unchanged_rows ?? 0} />
        <Counter name="skipped" label="Skipped" value={job.skipped_rows ?? 0} tone="warning" />
        <Counter name="failed" label="Failed" value={job.failed_rows ?? 0} tone="danger" />
      </dl>
      {job.ignored_columns.length ? (
        <p className="muted small">Columns in the file that were not imported: {job.ignored_columns.join(', ')}</p>
      ) : null}
    </section>
  );
}
