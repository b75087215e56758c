import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { Page, WebhookDelivery } from '@/types/api';

export function deliveriesKey(endpointId: string, page: number): string {
  return `/api/webhooks/${encodeURIComponent(endpointId)}/deliveries/${page > 1 ? `?page=${page}` : ''}`;
}

/** GET /api/webhooks/<id>/deliveries/: newest first, each with its attempts. */
export function listDeliveries(endpointId: string, page: number): Promise<Page<WebhookDelivery>> {
  return apiFetch<Page<WebhookDelivery>>(deliveriesKey(endpointId, page));
}

/** Refreshes every few seconds while a delivery waits for its next attempt. */
export function useDeliveries(endpointId: string, page: number) {
  return useSWR<Page<WebhookDelivery>>(deliveriesKey(endpointId, page), () => listDeliveries(endpointId, page), {
    keepPreviousData: true,
    refreshInterval: (latest) => (latest?.results.some((d) => d.status === 'pending') ? 5000 : 0),
  });
}
