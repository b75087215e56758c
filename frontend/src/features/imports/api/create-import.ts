import { API_BASE_URL, ApiError, NetworkError, apiErrorFrom, refreshSession, signOutLocally } from '@/lib/api-client';
import { sessionStore } from '@/lib/session-store';
import type { ImportJobDetail, OnConflict } from '@/types/api';

export type CreateImportInput = {
  file: File;
  dataset: string;
  onConflict: OnConflict;
  /** dataset column -> header in the file; sent as a JSON string when not empty. */
  columnMapping: Record<string, string>;
  /** IANA zone of the file's date-times written without one; the dataset's own when left out. */
  timezone?: string;
  /** The worksheet of an .xlsx file; the first when left out. */
  sheet?: string;
  /** The file's encoding and delimiter, when the person chose them; detected otherwise. */
  encoding?: string;
  delimiter?: string;
  /** Validate every row and apply the conflict policy without writing one. */
  dryRun?: boolean;
  /** false: the server does not save the column mapping for this dataset and header set. */
  rememberMapping?: boolean;
};

export type UploadProgress = { loaded: number; total: number };

type Attempt = { status: number; body: string };

function formFor(input: CreateImportInput): FormData {
  const form = new FormData();
  form.append('dataset', input.dataset);
  form.append('on_conflict', input.onConflict);
  if (Object.keys(input.columnMapping).length > 0) {
    form.append('column_mapping', JSON.stringify(input.columnMapping));
  }
  if (input.timezone) form.append('timezone', input.timezone);
  if (input.sheet) form.append('sheet', input.sheet);
  if (input.encoding) form.append('encoding', input.encoding);
  if (input.delimiter) form.append('delimiter', input.delimiter);
  if (input.dryRun) form.append('dry_run', 'true');
  if (input.rememberMapping === false) form.append('remember_mapping', 'false');
  form.append('file', input.file, input.file.name);
  return form;
}

function post(form: FormData, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${API_BASE_URL}/api/imports/`);
    xhr.setRequestHeader('Accept', 'application/json');
    const token = sessionStore.get()?.access;
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
    });
    xhr.addEventListener('load', () => resolve({ status: xhr.status, body: xhr.responseText }));
    xhr.addEventListener('error', () => reject(new NetworkError()));
    xhr.addEventListener('abort', () => reject(new DOMException('The upload was stopped.', 'AbortError')));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}

/**
 * POST /api/imports/ as multipart with XMLHttpRequest, so the page can show the bytes sent.
 * A 401 refreshes the session once and sends again, like every other call.
 */
export async function createImport(
  input: CreateImportInput,
  onProgress: (p: UploadProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<ImportJobDetail> {
  let attempt = await post(formFor(input), onProgress, signal);
  if (attempt.status === 401) {
    if (sessionStore.get() && (await refreshSession())) {
      onProgress({ loaded: 0, total: input.file.size });
      attempt = await post(formFor(input), onProgress, signal);
    }
    if (attempt.status === 401) {
      const error = apiErrorFrom(401, attempt.body, { sessionEnded: true });
      signOutLocally();
      throw error;
    }
  }
  if (attempt.status === 0) throw new NetworkError();
  if (attempt.status < 200 || attempt.status >= 300) throw apiErrorFrom(attempt.status, attempt.body);
  try {
    return JSON.parse(attempt.body) as ImportJobDetail;
  } catch {
    throw new ApiError(attempt.status, 'invalid_response', 'The server answered with something unexpected.');
  }
}
