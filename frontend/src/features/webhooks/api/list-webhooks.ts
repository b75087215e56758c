import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { WebhookEndpoint } from '@/types/api';

export const WEBHOOKS_KEY = '/api/webhooks/';

/** GET /api/webhooks/: the workspace's endpoints (never their secrets). */
export function listWebhooks(): Promise<WebhookEndpoint[]> {
  return apiFetch<WebhookEndpoint[]>(WEBHOOKS_KEY);
}

export function useWebhooks() {
  return useSWR<WebhookEndpoint[]>(WEBHOOKS_KEY, listWebhooks);
}
