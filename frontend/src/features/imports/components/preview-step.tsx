import { formatCount } from '@/lib/format';
import type { ImportInspection } from '@/types/api';

import type { MappingRow } from '../lib/resolution';
import { PreviewGrid } from './preview-grid';

/** The first rows validated on the server, before anything is loaded. */
export function PreviewStep({ inspection, columns }: { inspection: ImportInspection; columns: MappingRow[] }) {
  const preview = inspection.preview;
  return (
    <section className="card card-wide card-full" aria-labelledby="step-preview">
      <h2 id="step-preview" className="card-title">
        <span className="step">4</span> Preview
      </h2>
      {!preview ? (
        <p className="muted">The preview appears once every required column has a header.</p>
      ) : preview.rows.length === 0 ? (
        <p className="muted">The file has no data row after its header.</p>
      ) : (
        <>
          <p className={preview.invalid_rows ? 'preview-count preview-count-bad' : 'preview-count'} role="status">
            {preview.invalid_rows
              ? `${formatCount(preview.invalid_rows)} of the first ${formatCount(preview.rows.length)} rows would be rejected.`
              : `All of the first ${formatCount(preview.rows.length)} rows are valid.`}
          </p>
          <PreviewGrid preview={preview} columns={columns} />
          <p className="muted small">
            Values show as they would be stored. Rows further down are checked during the import; a dry run checks them
            all without loading any.
          </p>
        </>
      )}
    </section>
  );
}
