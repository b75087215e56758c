import { apiFetch } from '@/lib/api-client';
import type { WebhookEndpointWithSecret, WebhookEvent } from '@/types/api';

export type WebhookInput = { url: string; events: WebhookEvent[]; description?: string };

/** POST /api/webhooks/: the answer carries the signing secret, this once. */
export function createWebhook(input: WebhookInput): Promise<WebhookEndpointWithSecret> {
  return apiFetch<WebhookEndpointWithSecret>('/api/webhooks/', { method: 'POST', body: input });
}
