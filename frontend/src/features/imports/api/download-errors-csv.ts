import { apiFetch } from '@/lib/api-client';

export function errorsCsvFilename(id: string): string {
  return `import-${id}-errors.csv`;
}

export function cleanedCsvFilename(id: string): string {
  return `import-${id}-cleaned.csv`;
}

/** GET a CSV of the API with the session's token and save it under ``filename``. */
async function downloadCsv(path: string, filename: string): Promise<void> {
  const blob = await apiFetch<Blob>(path, { responseType: 'blob' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** GET /api/imports/<id>/errors.csv, saved as import-<id>-errors.csv. */
export function downloadErrorsCsv(id: string): Promise<void> {
  return downloadCsv(`/api/imports/${encodeURIComponent(id)}/errors.csv`, errorsCsvFilename(id));
}

/** GET /api/imports/<id>/cleaned.csv (the rows as loaded), saved as import-<id>-cleaned.csv. */
export function downloadCleanedCsv(id: string): Promise<void> {
  return downloadCsv(`/api/imports/${encodeURIComponent(id)}/cleaned.csv`, cleanedCsvFilename(id));
}
