import { Alert } from '@/components/ui/alert';
import { formatCount } from '@/lib/format';
import type { ImportJobDetail } from '@/types/api';

/** What a finished job's status alone does not say: why it failed, that it stopped, that nothing loaded. */
export function JobAlerts({ job }: { job: ImportJobDetail }) {
  if (job.status === 'failed') {
    return (
      <Alert tone="danger" title="The import failed">
        {job.error_message || 'The file could not be imported.'}
      </Alert>
    );
  }
  if (job.status === 'cancelled') {
    return (
      <Alert tone="warning" role="status" title="The import was cancelled">
        Rows loaded before it stopped stay stored.
      </Alert>
    );
  }
  // A dry run loaded nothing: its own notice (StartFromDryRun) says what it found.
  if (job.dry_run) return null;
  if (job.outcome === 'all_failed') {
    return (
      <Alert tone="danger" role="status" title="Every row was rejected">
        None of the {formatCount(job.failed_rows ?? 0)} rows was loaded. The rejected rows below say why; fix them in place
        and resubmit, or correct the file and import it again.
      </Alert>
    );
  }
  if (job.outcome === 'completed_with_errors') {
    return (
      <Alert tone="warning" role="status" title="Completed with errors">
        {formatCount(job.failed_rows ?? 0)} of {formatCount(job.processed_rows ?? 0)} rows were rejected; the others were
        loaded.
      </Alert>
    );
  }
  return null;
}
