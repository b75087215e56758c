import type { ImportInspection } from '@/types/api';

import {
  DELIMITER_CHOICES,
  ENCODING_CHOICES,
  delimiterName,
  delimiterSummary,
  encodingSummary,
} from '../lib/upload-options';

export type ReadingOptionsProps = {
  inspection: ImportInspection;
  encoding: string;
  delimiter: string;
  onEncoding: (value: string) => void;
  onDelimiter: (value: string) => void;
  disabled?: boolean;
};

/**
 * How the server reads a CSV file, with how sure it is, and selects to read it otherwise:
 * "" keeps the detected reading. Each change is read again by the server.
 */
export function ReadingOptions({ inspection, encoding, delimiter, onEncoding, onDelimiter, disabled }: ReadingOptionsProps) {
  const detectedEncoding = encodingSummary(inspection);
  const detectedDelimiter = delimiterSummary(inspection);
  if (!detectedEncoding || !detectedDelimiter) return null;
  const read = inspection.encoding?.name ?? '';
  const split = inspection.delimiter_guess?.delimiter ?? ',';
  const unsure = inspection.encoding?.source === 'detected' && (inspection.encoding.confidence ?? 1) < 0.9;
  return (
    <div className="reading-options">
      <div className="field">
        <label htmlFor="encoding">Encoding</label>
        <select id="encoding" aria-describedby="encoding-found" value={encoding} disabled={disabled} onChange={(e) => onEncoding(e.target.value)}>
          <option value="">{encoding ? 'Detect it' : `As detected (${read})`}</option>
          {ENCODING_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
        <p className={`field-hint${unsure ? ' hint-warning' : ''}`} id="encoding-found">
          {detectedEncoding}
          {unsure ? ': not sure; check the accented letters in the preview.' : null}
        </p>
      </div>
      <div className="field">
        <label htmlFor="delimiter">Delimiter</label>
        <select id="delimiter" aria-describedby="delimiter-found" value={delimiter} disabled={disabled} onChange={(e) => onDelimiter(e.target.value)}>
          <option value="">{delimiter ? 'Detect it' : `As detected (${delimiterName(split)})`}</option>
          {DELIMITER_CHOICES.map((choice) => (
            <option key={choice.label} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
        <p className="field-hint" id="delimiter-found">
          {detectedDelimiter}
        </p>
      </div>
    </div>
  );
}
