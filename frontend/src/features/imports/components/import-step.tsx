import { describeError } from '@/components/errors/error-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ProgressBar } from '@/components/ui/progress-bar';
import { ApiError } from '@/lib/api-client';
import { formatBytes } from '@/lib/format';
import type { Dataset, OnConflict } from '@/types/api';

import type { UploadProgress } from '../api/create-import';
import { ON_CONFLICT_CHOICES } from '../lib/upload-options';

export type ImportStepProps = {
  dataset: Dataset | null;
  zones: string[];
  timezone: string;
  onTimezone: (zone: string) => void;
  onConflict: OnConflict;
  onOnConflict: (value: OnConflict) => void;
  /** Offered when the upload sends a column mapping. */
  canRemember: boolean;
  remember: boolean;
  onRemember: (value: boolean) => void;
  canStart: boolean;
  submitting: 'import' | 'dry-run' | null;
  progress: UploadProgress | null;
  error: unknown;
  hasFile: boolean;
  onStart: (dryRun: boolean) => void;
  onStop: () => void;
};

export function ImportStep(props: ImportStepProps) {
  const { dataset, zones, submitting, progress } = props;
  const conflictChoices = ON_CONFLICT_CHOICES.filter((choice) => dataset?.on_conflict_choices.includes(choice.value) ?? true);
  const serverMessage = props.error ? describeError(props.error) : null;
  const serverFields = props.error instanceof ApiError ? Object.entries(props.error.fields) : [];
  return (
    <section className="card card-wide card-full" aria-labelledby="step-options">
      <h2 id="step-options" className="card-title">
        <span className="step">5</span> Import
      </h2>
      {zones.length && dataset ? (
        <div className="field">
          <label htmlFor="timezone">Time zone of the file</label>
          <select id="timezone" aria-describedby="timezone-hint" value={props.timezone} onChange={(e) => props.onTimezone(e.target.value)}>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone === dataset.timezone ? `${zone} (the dataset's)` : zone}
              </option>
            ))}
          </select>
          <p className="field-hint" id="timezone-hint">
            Times written without a zone, like 13-11-2023 14:00, are read in this zone and stored in UTC.
          </p>
        </div>
      ) : null}
      <fieldset className="radio-group" role="radiogroup" aria-labelledby="on-conflict-legend">
        <legend id="on-conflict-legend">When a key already exists</legend>
        {conflictChoices.map((choice) => (
          <label key={choice.value} className="radio">
            <input
              type="radio"
              name="on_conflict"
              value={choice.value}
              checked={props.onConflict === choice.value}
              onChange={() => props.onOnConflict(choice.value)}
              aria-labelledby={`on-conflict-${choice.value}`}
              aria-describedby={`on-conflict-${choice.value}-hint`}
            />
            <span>
              <span className="radio-label" id={`on-conflict-${choice.value}`}>
                {choice.label}
              </span>
              <span className="radio-hint" id={`on-conflict-${choice.value}-hint`}>
                {choice.hint}
              </span>
            </span>
          </label>
        ))}
      </fieldset>

      {props.canRemember ? (
        <label className="checkbox">
          <input type="checkbox" checked={props.remember} onChange={(e) => props.onRemember(e.target.checked)} />
          <span>
            Remember this mapping
            <span className="radio-hint"> The next file with the same headers is read the same way.</span>
          </span>
        </label>
      ) : null}

      {serverMessage ? (
        <Alert tone="danger" title={serverMessage.title}>
          {serverMessage.detail ? <p>{serverMessage.detail}</p> : null}
          {serverFields.length ? (
            <ul>
              {serverFields.map(([field, messages]) => (
                <li key={field}>
                  <strong>{field}</strong>: {messages.join(' ')}
                </li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}

      {progress ? (
        <div className="upload-progress">
          <ProgressBar
            label="Upload progress"
            value={progress.total ? (progress.loaded / progress.total) * 100 : 0}
            valueText={`${formatBytes(progress.loaded)} of ${formatBytes(progress.total)} sent`}
          />
          <p className="muted small" aria-live="polite">
            {progress.loaded >= progress.total && progress.total > 0
              ? 'Uploaded; checking the file…'
              : `${formatBytes(progress.loaded)} of ${formatBytes(progress.total)} sent`}
          </p>
        </div>
      ) : null}

      <div className="actions">
        <Button type="submit" disabled={!props.canStart} busy={submitting === 'import'}>
          Start import
        </Button>
        <Button
          variant="secondary"
          disabled={!props.canStart}
          busy={submitting === 'dry-run'}
          aria-describedby="dry-run-hint"
          onClick={() => props.onStart(true)}
        >
          Dry run
        </Button>
        {submitting ? (
          <Button variant="ghost" onClick={props.onStop}>
            Stop upload
          </Button>
        ) : null}
        {!props.hasFile ? <span className="muted small">Choose a file to start.</span> : null}
      </div>
      <p className="field-hint" id="dry-run-hint">
        A dry run checks every row and the key policy without storing anything, and gives the exact counts; the import
        can then be started from it.
      </p>
    </section>
  );
}
