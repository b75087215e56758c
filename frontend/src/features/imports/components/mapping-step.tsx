import { Alert } from '@/components/ui/alert';

import type { SavedMappingState } from '../hooks/use-saved-mapping';
import type { MappingView } from '../lib/resolution';
import { ColumnMappingTable } from './column-mapping-table';
import { SavedMappingNotice } from './saved-mapping-notice';

export type MappingStepProps = {
  view: MappingView;
  headers: string[];
  saved: SavedMappingState;
  onDeclineSaved: () => void;
  onMap: (column: string, header: string) => void;
  disabled: boolean;
};

/** Every dataset column with the header that feeds it, as the server resolved it; any can be changed. */
export function MappingStep({ view, headers, saved, onDeclineSaved, onMap, disabled }: MappingStepProps) {
  const suggested = view.rows.filter((row) => row.status === 'suggested');
  return (
    <section className="card card-wide card-full" aria-labelledby="step-mapping">
      <h2 id="step-mapping" className="card-title">
        <span className="step">3</span> Map columns
      </h2>
      <SavedMappingNotice state={saved} onDecline={onDeclineSaved} />
      <p className="muted small">
        Each column of the dataset reads the header chosen here. Headers were matched by name and alias
        {suggested.length ? '; those marked “suggested” only look alike: check them' : ''}.
      </p>
      <ColumnMappingTable rows={view.rows} headers={headers} onMap={onMap} disabled={disabled} />
      {view.missing.length ? (
        <Alert tone="warning" title="Required columns are missing">
          No header feeds {view.missing.map((c) => `“${c}”`).join(', ')}: required columns missing from the file must be
          mapped. Choose the header that holds each one in the table above, or fix the file.
        </Alert>
      ) : null}
      <div className="ignored-headers">
        <h3 className="small-title" id="ignored-title">
          Ignored headers
        </h3>
        {view.ignored.length ? (
          <ul className="chip-list" aria-labelledby="ignored-title">
            {view.ignored.map((header) => (
              <li key={header} className="chip">
                {header}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted small">None: every header of the file is read.</p>
        )}
      </div>
    </section>
  );
}
