import { useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { describeError } from '@/components/errors/error-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { jobPath } from '@/config/paths';
import { formatCount } from '@/lib/format';
import type { ImportJobDetail } from '@/types/api';

import { startImport } from '../api/start-import';

/**
 * On a dry run's page: what it found, and the action that imports the same file with the same
 * options (POST /api/imports/<id>/start/), or a link to the import started from it.
 */
export function StartFromDryRun({ job }: { job: ImportJobDetail }) {
  const navigate = useNavigate();
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!job.dry_run) return null;
  if (job.started_job) {
    return (
      <Alert tone="info" role="status" title="This dry run was imported">
        <Link to={jobPath(job.started_job)}>Open the import started from it</Link>
      </Alert>
    );
  }
  if (job.status !== 'completed') {
    return (
      <Alert tone="info" role="note" title="Dry run">
        Every row is checked and the key policy applied, but nothing is stored.
      </Alert>
    );
  }
  const onStart = async () => {
    setStarting(true);
    setError(null);
    try {
      const started = await startImport(job.id);
      navigate(jobPath(started.id));
    } catch (caught) {
      setError(caught);
      setStarting(false);
    }
  };
  const message = error ? describeError(error) : null;
  const loads = (job.created_rows ?? 0) + (job.updated_rows ?? 0);
  return (
    <Alert
      tone="info"
      role="status"
      title="Dry run: nothing was stored"
      action={
        <Button busy={starting} disabled={starting} onClick={() => void onStart()}>
          Start the import
        </Button>
      }
    >
      <p>
        The import of this file would create {formatCount(job.created_rows ?? 0)}, update {formatCount(job.updated_rows ?? 0)},
        skip {formatCount(job.skipped_rows ?? 0)} and reject {formatCount(job.failed_rows ?? 0)} rows.{' '}
        {loads ? 'Start it to load them, with the same options.' : 'Nothing would be loaded.'}
      </p>
      {message ? (
        <p className="text-danger" role="alert">
          {message.title}
          {message.detail ? `: ${message.detail}` : ''}
        </p>
      ) : null}
    </Alert>
  );
}
