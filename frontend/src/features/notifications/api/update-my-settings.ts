import { apiFetch } from '@/lib/api-client';
import type { ImportEmails, MyNotificationSettings } from '@/types/api';

/** PUT /api/notifications/me/ */
export function updateMySettings(importEmails: ImportEmails): Promise<MyNotificationSettings> {
  return apiFetch<MyNotificationSettings>('/api/notifications/me/', {
    method: 'PUT',
    body: { import_emails: importEmails },
  });
}
