import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { WebhookEndpoint } from '@/types/api';

export function webhookKey(id: string): string {
  return `/api/webhooks/${encodeURIComponent(id)}/`;
}

/** GET /api/webhooks/<id>/ */
export function getWebhook(id: string): Promise<WebhookEndpoint> {
  return apiFetch<WebhookEndpoint>(webhookKey(id));
}

export function useWebhook(id: string) {
  return useSWR<WebhookEndpoint>(webhookKey(id), () => getWebhook(id));
}
