import { Button } from '@/components/ui/button';
import { formatBytes, formatCount, formatDateTime } from '@/lib/format';
import type { ImportJobDetail, SanitizeReport } from '@/types/api';

const REPORT_LINES: { key: keyof SanitizeReport; text: (n: number) => string }[] = [
  { key: 'nul_removed', text: (n) => `${formatCount(n)} NUL characters removed` },
  { key: 'control_characters_removed', text: (n) => `${formatCount(n)} other control characters removed` },
  { key: 'line_endings_normalised', text: (n) => `${formatCount(n)} line endings turned into LF` },
  { key: 'header_names_trimmed', text: (n) => `${formatCount(n)} header names trimmed` },
  { key: 'lines_cut', text: (n) => `${formatCount(n)} lines over the length limit cut (each is a rejected row)` },
  { key: 'undecodable_bytes', text: (n) => `${formatCount(n)} bytes not valid in the file's encoding (their rows are rejected)` },
];

/** What sanitizing did to the file, the cleaned output, and whether the files are still kept. */
export function JobFileSection({ job, busy, onDownloadCleaned }: { job: ImportJobDetail; busy: boolean; onDownloadCleaned: () => void }) {
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
