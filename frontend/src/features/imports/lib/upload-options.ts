/** The choices the import page offers, and the checks it makes on a file before sending it. */
import { formatBytes } from '@/lib/format';
import type { Dataset, ImportConfig, ImportInspection, OnConflict } from '@/types/api';

export const ON_CONFLICT_CHOICES: { value: OnConflict; label: string; hint: string }[] = [
  { value: 'error', label: 'Report an error', hint: 'The row is rejected and listed with the errors.' },
  { value: 'skip', label: 'Skip the row', hint: 'The stored row is kept as it is.' },
  { value: 'update', label: 'Update the stored row', hint: 'The stored row takes the values from the file.' },
];

export function defaultOnConflict(dataset: Dataset | undefined | null): OnConflict {
  const value = dataset?.on_conflict_default ?? 'error';
  return ON_CONFLICT_CHOICES.find((choice) => choice.value === value)?.value ?? 'error';
}

/** Every zone the browser knows, with the dataset's first in case the browser lacks it. */
export function timezoneChoices(datasetZone: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [datasetZone, ...known.filter((zone) => zone !== datasetZone)];
}

/** Encodings a person may pick instead of the detected one (Python codec names, as the server reads them). */
export const ENCODING_CHOICES: { value: string; label: string }[] = [
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'cp1252', label: 'Windows-1252 (Western Europe)' },
  { value: 'latin-1', label: 'ISO-8859-1 (Latin-1)' },
  { value: 'iso-8859-15', label: 'ISO-8859-15 (Latin-9)' },
  { value: 'utf-16', label: 'UTF-16' },
  { value: 'mac_roman', label: 'Mac Roman' },
  { value: 'cp1251', label: 'Windows-1251 (Cyrillic)' },
  { value: 'shift_jis', label: 'Shift JIS' },
  { value: 'gb18030', label: 'GB 18030' },
];

export const DELIMITER_CHOICES: { value: string; label: string }[] = [
  { value: ',', label: 'comma' },
  { value: ';', label: 'semicolon' },
  { value: '\t', label: 'tab' },
  { value: '|', label: 'pipe' },
];

export function delimiterName(delimiter: string): string {
  return DELIMITER_CHOICES.find((choice) => choice.value === delimiter)?.label ?? `“${delimiter}”`;
}

const SOURCE_TEXT: Record<string, string> = {
  bom: 'from its byte-order mark',
  declared: 'as chosen',
  default: 'by default',
};

/** "detected 87 %", "as chosen", …: how the server came to a reading. */
export function howFound(source: string, confidence: number | null): string {
  if (source === 'detected') return confidence === null ? 'detected' : `detected ${Math.round(confidence * 100)} %`;
  return SOURCE_TEXT[source] ?? source;
}

/** The encoding in a few words, e.g. "UTF-8 · detected 87 %". */
export function encodingSummary(inspection: ImportInspection): string | null {
  const encoding = inspection.encoding;
  if (!encoding) return null;
  return `${encoding.name.toUpperCase()} · ${howFound(encoding.source, encoding.confidence)}`;
}

export function delimiterSummary(inspection: ImportInspection): string | null {
  const guess = inspection.delimiter_guess;
  if (!guess) return null;
  return `${delimiterName(guess.delimiter)} · ${howFound(guess.source, guess.confidence)}`;
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
