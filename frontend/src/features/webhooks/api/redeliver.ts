import { apiFetch } from '@/lib/api-client';
import type { WebhookDelivery } from '@/types/api';

/** POST /api/webhooks/<id>/deliveries/<delivery>/redeliver/: one more attempt, now (same webhook-id). */
export function redeliver(endpointId: number | string, deliveryId: number): Promise<WebhookDelivery> {
  return apiFetch<WebhookDelivery>(
    `/api/webhooks/${encodeURIComponent(String(endpointId))}/deliveries/${deliveryId}/redeliver/`,
    { method: 'POST' },
  );
}
