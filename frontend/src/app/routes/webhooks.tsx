import { WebhooksPanel } from '@/features/webhooks/components/webhooks-panel';

import { useTitle } from './use-title';

export function WebhooksRoute() {
  useTitle('Webhooks');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Webhooks</h1>
          <p className="muted">
            Your systems hear when an import ends: a signed JSON POST of the job, retried for about a day.
          </p>
        </div>
      </header>
      <WebhooksPanel />
    </div>
  );
}
