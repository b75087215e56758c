import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';

import { describeError } from '@/components/errors/error-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ProgressBar } from '@/components/ui/progress-bar';
import { jobPath } from '@/config/paths';
import { ApiError } from '@/lib/api-client';
import { formatBytes } from '@/lib/format';
import type { Dataset, ImportConfig, ImportInspection, OnConflict } from '@/types/api';

import { createImport, type UploadProgress } from '../api/create-import';
import { inspectFile, isWorkbook } from '../api/inspect-file';
import { matchTable } from '../lib/resolution';
import { ColumnMatchingTable } from './column-matching-table';
import { DatasetColumns } from './dataset-columns';
import { DropZone } from './drop-zone';

const ON_CONFLICT_CHOICES: { value: OnConflict; label: string; hint: string }[] = [
  { value: 'error', label: 'Report an error', hint: 'The row is rejected and listed with the errors.' },
  { value: 'skip', label: 'Skip the row', hint: 'The stored row is kept as it is.' },
  { value: 'update', label: 'Update the stored row', hint: 'The stored row takes the values from the file.' },
];

function isOnConflict(value: string): value is OnConflict {
  return ON_CONFLICT_CHOICES.some((choice) => choice.value === value);
}

function defaultOnConflict(dataset: Dataset | undefined): OnConflict {
  const value = dataset?.on_conflict_default ?? 'error';
  return isOnConflict(value) ? value : 'error';
}

/** Every zone the browser knows, with the dataset's first in case the browser lacks it. */
function timezoneChoices(datasetZone: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [datasetZone, ...known.filter((zone) => zone !== datasetZone)];
}

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

type FileState =
  | { kind: 'none' }
  | { kind: 'reading'; file: File }
  | { kind: 'refused'; file: File; message: string }
  | { kind: 'ready'; file: File; inspection: ImportInspection };

/** How the server read the file, in a few words: format, separator, encoding. */
function readingSummary(inspection: ImportInspection): string {
  if (inspection.format === 'xlsx') return `Excel workbook, sheet “${inspection.sheet}”`;
  const parts: string[] = [];
  const delimiter = inspection.delimiter ?? ',';
  parts.push(`${DELIMITER_NAMES[delimiter] ?? delimiter} separated`);
  const encoding = inspection.encoding;
  if (encoding) {
    const sure =
      encoding.source === 'detected' && encoding.confidence !== null && encoding.confidence < 0.9
        ? ` (guessed, ${Math.round(encoding.confidence * 100)} % sure)`
        : '';
    parts.push(`${encoding.name}${sure}`);
  }
  return parts.join(', ');
}

/** Why a file cannot be sent, judged from its name and size alone; null when it may be. */
export function fileRefusal(file: File, config: Pick<ImportConfig, 'allowed_extensions' | 'max_upload_bytes'>): string | null {
  const name = file.name.toLowerCase();
  const allowed = config.allowed_extensions.length ? config.allowed_extensions : ['.csv'];
  if (!allowed.some((ext) => name.endsWith(ext.toLowerCase()))) {
    return `“${file.name}” cannot be imported: only ${allowed.join(', ')} files can.`;
  }
  if (file.size > config.max_upload_bytes) {
    return `“${file.name}” is too large: ${formatBytes(file.size)}, and the limit is ${formatBytes(config.max_upload_bytes)}.`;
  }
  if (file.size === 0) return `“${file.name}” is empty: there is nothing to import.`;
  return null;
}

export function UploadForm({ config }: { config: ImportConfig }) {
  const navigate = useNavigate();
  const datasets = config.datasets;
  const [datasetName, setDatasetName] = useState(() => datasets[0]?.name ?? '');
  const [fileState, setFileState] = useState<FileState>({ kind: 'none' });
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [sheet, setSheet] = useState('');
  const [onConflict, setOnConflict] = useState<OnConflict>(() => defaultOnConflict(datasets[0]));
  const [timezone, setTimezone] = useState(() => datasets[0]?.timezone ?? 'UTC');
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [serverError, setServerError] = useState<unknown>(null);
  const readToken = useRef(0);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => () => abort.current?.abort(), []);

  const dataset = datasets.find((d) => d.name === datasetName) ?? null;
  const conflictChoices = ON_CONFLICT_CHOICES.filter(
    (choice) => dataset?.on_conflict_choices.includes(choice.value) ?? true,
  );
  const readsTimes = Boolean(dataset?.columns.some((column) => column.type === 'datetime'));
  const zones = useMemo(() => (readsTimes && dataset ? timezoneChoices(dataset.timezone) : []), [readsTimes, dataset]);

  const chooseFile = (file: File) => {
    setMapping({});
    setSheet('');
    setServerError(null);
    const refusal = fileRefusal(file, config);
    if (refusal) {
      setFileState({ kind: 'refused', file, message: refusal });
      return;
    }
    if (isWorkbook(file) && file.size > config.inspect_max_bytes) {
      setFileState({
        kind: 'refused',
        file,
        message: `“${file.name}” is too large to check here (${formatBytes(file.size)}; ${formatBytes(config.inspect_max_bytes)} at most for a workbook). Save its sheet as CSV and import that.`,
      });
      return;
    }
    setFileState({ kind: 'reading', file });
  };

  // The server reads the file (its first part for CSV) whenever the file, the dataset, the mapping
  // or the sheet changes: the header, the matching and the missing columns are its answer.
  const chosenFile = fileState.kind === 'reading' || fileState.kind === 'ready' ? fileState.file : null;
  const mappingKey = JSON.stringify(mapping);
  useEffect(() => {
    if (!chosenFile || !datasetName) return undefined;
    const token = ++readToken.current;
    const controller = new AbortController();
    inspectFile(
      { file: chosenFile, dataset: datasetName, columnMapping: JSON.parse(mappingKey) as Record<string, string>, sheet },
      controller.signal,
    ).then(
      (inspection) => {
        if (token !== readToken.current) return;
        if (inspection.header.names.every((n) => n === '')) {
          setFileState({ kind: 'refused', file: chosenFile, message: `No header row was found in “${chosenFile.name}”.` });
        } else {
          setFileState({ kind: 'ready', file: chosenFile, inspection });
        }
      },
      (error: unknown) => {
        if (token !== readToken.current || (error instanceof DOMException && error.name === 'AbortError')) return;
        const message =
          error instanceof ApiError
            ? [error.message, ...Object.values(error.fields).flat()].filter((m, i, all) => all.indexOf(m) === i).join(' ')
            : `“${chosenFile.name}” could not be checked: ${describeError(error).title}.`;
        setFileState({ kind: 'refused', file: chosenFile, message });
      },
    );
    return () => controller.abort();
  }, [chosenFile, datasetName, mappingKey, sheet]);

  const inspection = fileState.kind === 'ready' ? fileState.inspection : null;
  const headerNames = inspection ? inspection.header.names : null;
  const matching = useMemo(() => (dataset && inspection ? matchTable(dataset, inspection) : null), [dataset, inspection]);
  const chosenMapping = useMemo(() => {
    const chosen: Record<string, string> = {};
    for (const [column, header] of Object.entries(mapping)) if (header) chosen[column] = header;
    return chosen;
  }, [mapping]);

  const missing = matching?.missing ?? [];
  const refusal = fileState.kind === 'refused' ? fileState.message : null;
  const canStart = Boolean(dataset) && fileState.kind === 'ready' && missing.length === 0 && !submitting;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canStart || fileState.kind !== 'ready' || !dataset || !matching) return;
    const workbook = fileState.inspection.format === 'xlsx';
    setSubmitting(true);
    setServerError(null);
    setProgress({ loaded: 0, total: fileState.file.size });
    abort.current = new AbortController();
    try {
      const job = await createImport(
        {
          file: fileState.file,
          dataset: dataset.name,
          onConflict,
          columnMapping: chosenMapping,
          sheet: workbook ? fileState.inspection.sheet : undefined,
          // Only a choice that differs from the dataset's zone is sent; the server applies its own.
          timezone: readsTimes && timezone !== dataset.timezone ? timezone : undefined,
        },
        setProgress,
        abort.current.signal,
      );
      navigate(jobPath(job.id));
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return;
      setServerError(error);
      setSubmitting(false);
      setProgress(null);
    }
  };

  const serverMessage = serverError ? describeError(serverError) : null;
  const serverFields = serverError instanceof ApiError ? Object.entries(serverError.fields) : [];
  const file = fileState.kind === 'none' ? null : fileState.file;

  return (
    <form className="import-grid" onSubmit={onSubmit} noValidate>
      <section className="card" aria-labelledby="step-dataset">
        <h2 id="step-dataset" className="card-title">
          <span className="step">1</span> Dataset
        </h2>
        <div className="field">
          <label htmlFor="dataset">Dataset</label>
          <select
            id="dataset"
            value={datasetName}
            onChange={(e) => {
              const next = datasets.find((d) => d.name === e.target.value);
              setDatasetName(e.target.value);
              setMapping({});
              if (fileState.kind === 'ready') setFileState({ kind: 'reading', file: fileState.file });
              setOnConflict(defaultOnConflict(next));
              setTimezone(next?.timezone ?? 'UTC');
            }}
          >
            {datasets.map((d) => (
              <option key={d.name} value={d.name}>
                {d.label}
              </option>
            ))}
          </select>
          {dataset?.description ? <p className="field-hint">{dataset.description}</p> : null}
        </div>
        {dataset ? <DatasetColumns dataset={dataset} /> : null}
      </section>

      <section className="card card-wide" aria-labelledby="step-file">
        <h2 id="step-file" className="card-title">
          <span className="step">2</span> File
        </h2>
        <DropZone
          onFile={chooseFile}
          accept={config.allowed_extensions.join(',') || '.csv'}
          disabled={submitting}
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
                {inspection ? ` · ${inspection.header.names.length} columns, ${readingSummary(inspection)}` : null}
                {fileState.kind === 'reading' ? ' · checking the file…' : null}
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
            <select
              id="sheet"
              value={inspection.sheet}
              onChange={(e) => {
                setSheet(e.target.value);
                setMapping({});
              }}
            >
              {inspection.sheets.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        ) : null}

        {matching && headerNames ? (
          <>
            <ColumnMatchingTable
              matches={matching.columns}
              headers={headerNames}
              selectable={matching.selectable}
              mapping={mapping}
              onMap={(column, header) => setMapping((m) => ({ ...m, [column]: header }))}
            />
            {missing.length ? (
              <Alert tone="warning" title="Required columns are missing">
                The file has no header for {missing.map((c) => `“${c}”`).join(', ')}: required columns missing
                from the file must be mapped. Choose the header that holds each one in the table above, or fix the
                file.
              </Alert>
            ) : null}
            {matching.ignored.length ? (
              <p className="muted small">Not imported (no matching column): {matching.ignored.join(', ')}</p>
            ) : null}
            {inspection && inspection.rows.length ? <FilePreview inspection={inspection} /> : null}
          </>
        ) : null}
      </section>

      <section className="card card-wide" aria-labelledby="step-options">
        <h2 id="step-options" className="card-title">
          <span className="step">3</span> Import
        </h2>
        {readsTimes && dataset ? (
          <div className="field">
            <label htmlFor="timezone">Time zone of the file</label>
            <select
              id="timezone"
              aria-describedby="timezone-hint"
              value={timezone}
              onChange={(e) => setTimezone(e.target.value)}
            >
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
                checked={onConflict === choice.value}
                onChange={() => setOnConflict(choice.value)}
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
          <Button type="submit" disabled={!canStart} busy={submitting}>
            Start import
          </Button>
          {submitting ? (
            <Button
              variant="ghost"
              onClick={() => {
                abort.current?.abort();
                setSubmitting(false);
                setProgress(null);
              }}
            >
              Stop upload
            </Button>
          ) : null}
          {!file ? <span className="muted small">Choose a file to start.</span> : null}
        </div>
      </section>
    </form>
  );
}

/** The first rows as the server read them, with the row numbers a spreadsheet shows. */
function FilePreview({ inspection }: { inspection: ImportInspection }) {
  const names = inspection.header.names;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="table-caption">First rows</caption>
        <thead>
          <tr>
            <th scope="col">Row</th>
            {names.map((name, index) => (
              <th scope="col" key={`${index}-${name}`}>
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {inspection.rows.map((row) => (
            <tr key={row.row_number}>
              <td>{row.row_number}</td>
              {row.error ? (
                <td colSpan={names.length}>{row.error}</td>
              ) : (
                names.map((name, index) => <td key={`${index}-${name}`}>{row.fields[index] ?? ''}</td>)
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
