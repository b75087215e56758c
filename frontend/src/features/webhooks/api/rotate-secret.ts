import { apiFetch } from '@/lib/api-client';
import type { WebhookEndpointWithSecret } from '@/types/api';

/** POST /api/webhooks/<id>/rotate-secret/: a new secret, shown this once; the old one stops at once. */
export function rotateSecret(id: number): Promise<WebhookEndpointWithSecret> {
  return apiFetch<WebhookEndpointWithSecret>(`/api/webhooks/${id}/rotate-secret/`, { method: 'POST' });
}
