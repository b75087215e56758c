import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { WorkspaceNotificationSettings } from '@/types/api';

export const WORKSPACE_SETTINGS_KEY = '/api/notifications/workspace/';

/** GET /api/notifications/workspace/: where notices of keys', feeds' and the command line's jobs go. */
export function getWorkspaceSettings(): Promise<WorkspaceNotificationSettings> {
  return apiFetch<WorkspaceNotificationSettings>(WORKSPACE_SETTINGS_KEY);
}

export function useWorkspaceSettings() {
  return useSWR<WorkspaceNotificationSettings>(WORKSPACE_SETTINGS_KEY, getWorkspaceSettings);
}
