import { useParams } from 'react-router';

import { WebhookDetail } from '@/features/webhooks/components/webhook-detail';

import { useTitle } from './use-title';

export function WebhookRoute() {
  const { id = '' } = useParams();
  useTitle('Webhook');
  return (
    <div className="page">
      <WebhookDetail key={id} id={id} />
    </div>
  );
}
