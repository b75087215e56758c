import { NotificationSettings } from '@/features/notifications/components/notification-settings';

import { useTitle } from './use-title';

export function SettingsRoute() {
  useTitle('Settings');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="muted">Who hears about finished imports, and how.</p>
        </div>
      </header>
      <NotificationSettings />
    </div>
  );
}
