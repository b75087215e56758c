import { Alert } from '@/components/ui/alert';
import { formatBytes } from '@/lib/format';
import type { ImportConfig, ImportInspection } from '@/types/api';

import { isWorkbook } from '../api/inspect-file';
import { DropZone } from './drop-zone';
import { ReadingOptions } from './reading-options';

export type FileStepProps = {
  config: ImportConfig;
  file: File | null;
  inspection: ImportInspection | null;
  reading: boolean;
  refusal: string | null;
  disabled: boolean;
  onFile: (file: File) => void;
  sheet: string;
  onSheet: (sheet: string) => void;
  encoding: string;
  onEncoding: (value: string) => void;
  delimiter: string;
  onDelimiter: (value: string) => void;
};

export function FileStep(props: FileStepProps) {
  const { config, file, inspection, reading, refusal, disabled } = props;
  return (
    <section className="card card-wide" aria-labelledby="step-file">
      <h2 id="step-file" className="card-title">
        <span className="step">2</span> File
      </h2>
      <DropZone
        onFile={props.onFile}
        accept={config.allowed_extensions.join(',') || '.csv'}
        disabled={disabled}
        hint={`A .csv file or an Excel workbook (.xlsx) with a header row, up to ${formatBytes(config.max_upload_bytes)}. CSV may be comma, semicolon, tab or pipe separated, in any usual encoding.`}
      />

      {file ? (
        <div className="file-summary" aria-live="polite">
          <span className="file-icon" aria-hidden="true">
            {isWorkbook(file) ? 'XLSX' : 'CSV'}
          </span>
          <div>
            <p className="file-name">{file.name}</p>
            <p className="muted small">
              {formatBytes(file.size)}
              {inspection
                ? ` · ${inspection.header.names.length} columns${inspection.format === 'xlsx' ? `, Excel workbook, sheet “${inspection.sheet}”` : ''}`
                : null}
              {reading ? ' · checking the file…' : null}
            </p>
          </div>
        </div>
      ) : null}

      {refusal ? (
        <Alert tone="danger" title="This file cannot be imported">
          {refusal}
        </Alert>
      ) : null}

      {inspection && inspection.sheets.length > 1 ? (
        <div className="field field-inline">
          <label htmlFor="sheet">Sheet</label>
          <select id="sheet" value={props.sheet || inspection.sheet} disabled={disabled} onChange={(e) => props.onSheet(e.target.value)}>
            {inspection.sheets.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
      ) : null}

      {inspection && inspection.format === 'csv' ? (
        <ReadingOptions
          inspection={inspection}
          encoding={props.encoding}
          delimiter={props.delimiter}
          onEncoding={props.onEncoding}
          onDelimiter={props.onDelimiter}
          disabled={disabled}
        />
      ) : null}
    </section>
  );
}
