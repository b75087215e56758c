import { apiFetch } from '@/lib/api-client';
import type { LiveTicket } from '@/types/api';

/** POST /api/live/ticket/: a one-use ticket that opens the live stream within a minute. */
export function createLiveTicket(): Promise<LiveTicket> {
  return apiFetch<LiveTicket>('/api/live/ticket/', { method: 'POST' });
}
