import { apiFetch } from '@/lib/api-client';
import type { WebhookEndpoint, WebhookEvent } from '@/types/api';

export type WebhookChanges = { url?: string; events?: WebhookEvent[]; description?: string; enabled?: boolean };

/** PATCH /api/webhooks/<id>/: enabled=true turns a disabled endpoint on again. */
export function updateWebhook(id: number, changes: WebhookChanges): Promise<WebhookEndpoint> {
  return apiFetch<WebhookEndpoint>(`/api/webhooks/${id}/`, { method: 'PATCH', body: changes });
}
