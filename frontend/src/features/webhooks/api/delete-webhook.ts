import { apiFetch } from '@/lib/api-client';

/** DELETE /api/webhooks/<id>/ */
export function deleteWebhook(id: number): Promise<void> {
  return apiFetch<void>(`/api/webhooks/${id}/`, { method: 'DELETE' });
}
