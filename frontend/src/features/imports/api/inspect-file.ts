import { apiFetch } from '@/lib/api-client';
import type { ImportInspection } from '@/types/api';

/** What the page sends of a CSV file: enough for the header and the first rows. */
export const CSV_SAMPLE_BYTES = 64 * 1024;

/** Rows of the preview the server validates. */
export const PREVIEW_ROWS = 50;

export type InspectInput = {
  file: File;
  dataset: string;
  /** dataset column -> header in the file ("" leaves it empty); sent as JSON when not empty. */
  columnMapping?: Record<string, string>;
  /** The worksheet of a workbook; the first when left out. */
  sheet?: string;
  /** The file's encoding and delimiter; detected by the server when left out. */
  encoding?: string;
  delimiter?: string;
  /** IANA zone for the preview's date-times written without one; the dataset's when left out. */
  timezone?: string;
  rows?: number;
  previewRows?: number;
};

export function isWorkbook(file: File): boolean {
  return file.name.toLowerCase().endsWith('.xlsx');
}

/**
 * POST /api/imports/inspect/: the server reads the file as the import will (encoding, delimiter,
 * header, which header feeds which column, the first rows validated). A CSV file is sent in part
 * (its first 64 KiB); a workbook whole, since a zip is read from its end.
 */
export function inspectFile(input: InspectInput, signal?: AbortSignal): Promise<ImportInspection> {
  const workbook = isWorkbook(input.file);
  const partial = !workbook && input.file.size > CSV_SAMPLE_BYTES;
  const form = new FormData();
  form.append('file', partial ? input.file.slice(0, CSV_SAMPLE_BYTES) : input.file, input.file.name);
  form.append('dataset', input.dataset);
  form.append('partial', partial ? 'true' : 'false');
  form.append('rows', String(input.rows ?? 5));
  form.append('preview_rows', String(input.previewRows ?? PREVIEW_ROWS));
  if (input.columnMapping && Object.keys(input.columnMapping).length > 0) {
    form.append('column_mapping', JSON.stringify(input.columnMapping));
  }
  if (input.sheet) form.append('sheet', input.sheet);
  if (input.encoding) form.append('encoding', input.encoding);
  if (input.delimiter) form.append('delimiter', input.delimiter);
  if (input.timezone) form.append('timezone', input.timezone);
  return apiFetch<ImportInspection>('/api/imports/inspect/', { method: 'POST', body: form, signal });
}
