import { Link } from 'react-router';

import { Button } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { LiveIndicator } from '@/components/ui/live-indicator';
import { formatBytes, formatDateTime, formatStartedBy } from '@/lib/format';
import { type ImportJobDetail, type ImportReverted, isFinalStatus } from '@/types/api';

import { OutcomeBadge } from './outcome-badge';
import { RevertButton, canRevert } from './revert-button';

const ON_CONFLICT_TEXT: Record<ImportJobDetail['on_conflict'], string> = {
  error: 'report an error',
  skip: 'skip the row',
  update: 'update the stored row',
};

export type JobHeaderProps = {
  job: ImportJobDetail;
  cancelling: boolean;
  onCancel: () => void;
  onReverted: (answer: ImportReverted) => void;
};

/** The file, where it went, who started it, how it went, and what can be done with it now. */
export function JobHeader({ job, cancelling, onCancel, onReverted }: JobHeaderProps) {
  const running = !isFinalStatus(job.status);
  return (
    <header className="page-header">
      <div>
        <h1 className="job-title">{job.filename}</h1>
        <p className="muted">
          {job.dry_run ? 'dry run of ' : 'into '}
          <strong>{job.dataset}</strong> · {formatBytes(job.file_size ?? 0)} · when a key exists: {ON_CONFLICT_TEXT[job.on_conflict]} ·{' '}
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
        <OutcomeBadge job={job} statusTestId="job-status" className="badge-lg" />
        {running ? <LiveIndicator /> : null}
        {running ? (
          <Button variant="danger" size="sm" busy={cancelling} disabled={cancelling} onClick={onCancel}>
            Cancel import
          </Button>
        ) : (
          <>
            {canRevert(job) ? <RevertButton job={job} onReverted={onReverted} /> : null}
            <Link className="btn btn-secondary btn-sm" to={paths.import}>
              Import another file
            </Link>
          </>
        )}
      </div>
    </header>
  );
}
