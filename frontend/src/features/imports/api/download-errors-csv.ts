import { apiFetch } from '@/lib/api-client';

export function errorsCsvFilename(id: string): string {
  return `import-${id}-errors.csv`;
}

/** GET /api/imports/<id>/errors.csv with the session's token, saved as import-<id>-errors.csv. */
export async function downloadErrorsCsv(id: string): Promise<void> {
  const blob = await apiFetch<Blob>(`/api/imports/${encodeURIComponent(id)}/errors.csv`, { responseType: 'blob' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = errorsCsvFilename(id);
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
