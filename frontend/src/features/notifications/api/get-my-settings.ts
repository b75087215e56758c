import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { MyNotificationSettings } from '@/types/api';

export const MY_SETTINGS_KEY = '/api/notifications/me/';

/** GET /api/notifications/me/: the signed-in person's e-mails about their imports. */
export function getMySettings(): Promise<MyNotificationSettings> {
  return apiFetch<MyNotificationSettings>(MY_SETTINGS_KEY);
}

export function useMySettings() {
  return useSWR<MyNotificationSettings>(MY_SETTINGS_KEY, getMySettings);
}
