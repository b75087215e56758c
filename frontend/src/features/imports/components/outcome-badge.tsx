import { Badge, type BadgeTone } from '@/components/ui/badge';
import type { ImportJob, ImportOutcome } from '@/types/api';

const OUTCOME_TONES: Record<ImportOutcome, BadgeTone> = {
  completed: 'success',
  completed_with_errors: 'warning',
  all_failed: 'danger',
  failed: 'danger',
  cancelled: 'warning',
  reverted: 'neutral',
};

/** What follows the status word: "completed with errors", "completed · all rows failed". */
const OUTCOME_SUFFIX: Record<ImportOutcome, string> = {
  completed: '',
  completed_with_errors: ' with errors',
  all_failed: ' · all rows failed',
  failed: '',
  cancelled: '',
  reverted: ' · reverted',
};

export function outcomeTone(job: Pick<ImportJob, 'status' | 'outcome'>): BadgeTone {
  if (job.outcome) return OUTCOME_TONES[job.outcome];
  return job.status === 'pending' ? 'neutral' : 'info';
}

/**
 * A job's status and how it went, in one badge: never green when rows failed. The status word
 * keeps its own element (data-testid="job-status" on the job page), which scripts read.
 */
export function OutcomeBadge({
  job,
  statusTestId,
  className,
}: {
  job: Pick<ImportJob, 'status' | 'outcome'>;
  statusTestId?: string;
  className?: string;
}) {
  const suffix = job.outcome ? OUTCOME_SUFFIX[job.outcome] : '';
  return (
    <Badge tone={outcomeTone(job)} className={className} data-testid="job-outcome" data-outcome={job.outcome ?? undefined}>
      {/* One flex item, so the words read as one line of text. */}
      <span>
        <span data-testid={statusTestId}>{job.status}</span>
        {suffix}
      </span>
    </Badge>
  );
}
