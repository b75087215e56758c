import { useEffect, useState } from 'react';
import { Link } from 'react-router';

import { ErrorState, describeError } from '@/components/errors/error-state';
import { Alert } from '@/components/ui/alert';
import { Loading } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import { ApiError } from '@/lib/api-client';
import type { ImportReverted } from '@/types/api';

import { useImportJob } from '../api/get-import';
import { JobAlerts } from './job-alerts';
import { JobFileSection } from './job-file-section';
import { JobHeader } from './job-header';
import { JobProgress } from './job-progress';
import { RejectedRowsSection } from './rejected-rows-section';
import { RevertResult } from './revert-result';
import { StartFromDryRun } from './start-from-dry-run';
import { useJobActions } from './use-job-actions';

export function JobView({ id, pollMs }: { id: string; pollMs?: number }) {
  const { data: job, error, mutate } = useImportJob(id, pollMs === undefined ? {} : { pollMs });
  const actions = useJobActions(job, mutate);
  // The rows a revert left alone are only in its answer: kept here while the page is open.
  const [reverted, setReverted] = useState<ImportReverted | null>(null);
  const title = job ? `${job.filename} (${job.outcome ?? job.status})` : null;

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

  const actionMessage = actions.error ? describeError(actions.error) : null;

  return (
    <article className="job stack">
      <p className="breadcrumbs">
        <Link to={paths.imports}>← All imports</Link>
      </p>
      <JobHeader
        job={job}
        cancelling={actions.cancelling}
        onCancel={() => void actions.cancel()}
        onReverted={(answer) => {
          setReverted(answer);
          void mutate(answer.job, { revalidate: false });
        }}
      />

      {error && !(error instanceof ApiError && error.status === 404) ? (
        <ErrorState error={error} onRetry={() => void mutate()} />
      ) : null}
      {actionMessage ? (
        <Alert tone="danger" title={actionMessage.title}>
          {actionMessage.detail || null}
        </Alert>
      ) : null}
      <StartFromDryRun job={job} />
      <JobAlerts job={job} />
      {job.reverted_at ? <RevertResult job={job} answer={reverted?.job.id === job.id ? reverted : null} /> : null}

      <JobProgress job={job} />
      <JobFileSection job={job} busy={actions.downloading} onDownloadCleaned={() => void actions.downloadCleaned()} />
      <RejectedRowsSection
        job={job}
        downloading={actions.downloading}
        onDownloadErrors={() => void actions.downloadErrors()}
        onJobChanged={(changed) => void mutate(changed, { revalidate: false })}
      />
    </article>
  );
}
