import { Link } from 'react-router';

import { jobPath } from '@/config/paths';
import { formatCount, formatDateTime } from '@/lib/format';
import type { ImportJobDetail, ImportReverted } from '@/types/api';

function plural(n: number): string {
  return n === 1 ? 'row' : 'rows';
}

function keyText(key: Record<string, unknown>): string {
  return Object.entries(key)
    .map(([column, value]) => `${column} ${String(value)}`)
    .join(', ');
}

/**
 * What the revert did. The rows it left alone are listed from its answer, so only right after
 * it; later visits show the counts the job keeps.
 */
export function RevertResult({ job, answer }: { job: ImportJobDetail; answer: ImportReverted | null }) {
  const kept = job.reverted_kept_rows ?? 0;
  return (
    <section className="card revert-result" aria-labelledby="revert-title" role="status">
      <h2 id="revert-title" className="card-title">
        Reverted {formatDateTime(job.reverted_at)}
      </h2>
      <ul className="revert-counts">
        <li>
          <strong data-testid="reverted-deleted">{formatCount(job.reverted_deleted_rows ?? 0)}</strong> created{' '}
          {plural(job.reverted_deleted_rows ?? 0)} deleted
        </li>
        <li>
          <strong data-testid="reverted-restored">{formatCount(job.reverted_restored_rows ?? 0)}</strong> updated{' '}
          {plural(job.reverted_restored_rows ?? 0)} restored
        </li>
        <li>
          <strong data-testid="reverted-kept">{formatCount(kept)}</strong> {plural(kept)} kept: changed since by another import, or
          gone
        </li>
      </ul>
      {answer && answer.changed.length ? (
        <>
          <p className="muted small">
            Rows changed since by another import, left as that import wrote them
            {answer.changed_since > answer.changed.length ? ` (the first ${formatCount(answer.changed.length)} of ${formatCount(answer.changed_since)})` : ''}:
          </p>
          <ul className="revert-kept" aria-label="Rows kept">
            {answer.changed.map((row) => (
              <li key={JSON.stringify(row.key)}>
                <code>{keyText(row.key)}</code>
                {row.changed_by ? (
                  <>
                    {' '}
                    · changed by <Link to={jobPath(row.changed_by)}>that import</Link>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
