import { apiFetch } from '@/lib/api-client';
import type { WorkspaceNotificationSettings } from '@/types/api';

/** PUT /api/notifications/workspace/ */
export function updateWorkspaceSettings(emailAddresses: string[]): Promise<WorkspaceNotificationSettings> {
  return apiFetch<WorkspaceNotificationSettings>('/api/notifications/workspace/', {
    method: 'PUT',
    body: { email_addresses: emailAddresses },
  });
}
