import { useId } from 'react';

import { Alert } from '@/components/ui/alert';
import { DateTime } from '@/components/ui/date-time';
import { formatCount } from '@/lib/format';
import type { CardStatus } from '@/types/api';

import { CardStatusBadge } from './card-status-badge';
import { CardTimeline } from './card-timeline';

/** "delivery_exception after delivered" → "Delivery exception after delivered". */
function sentence(reason: string): string {
  const text = reason.replaceAll('_', ' ');
  return text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}` : text;
}

/** One card: where it stands, whether its events disagree, and the events themselves. */
export function CardSummary({ card }: { card: CardStatus }) {
  const titleId = useId();
  return (
    <article className="card" aria-labelledby={titleId}>
      <header className="card-head">
        <h2 id={titleId} className="card-title">
          Card <code>{card.card_id}</code>
        </h2>
        <CardStatusBadge status={card.status} size="lg" data-testid="card-status" />
      </header>
      <dl className="stats">
        <div className="stat">
          <dt>Status since</dt>
          <dd>
            <DateTime iso={card.status_at} />
          </dd>
        </div>
        <div className="stat">
          <dt>Mobile</dt>
          <dd>{card.mobile || '—'}</dd>
        </div>
        <div className="stat">
          <dt>Events</dt>
          <dd>{formatCount(card.events_count)}</dd>
        </div>
        <div className="stat">
          <dt>Updated</dt>
          <dd>
            <DateTime iso={card.updated_at} />
          </dd>
        </div>
      </dl>
      {card.anomaly ? (
        <Alert tone="warning" role="note" title="Anomaly">
          <p>{sentence(card.anomaly_reason) || 'The events of this card are out of order.'}</p>
        </Alert>
      ) : null}
      <div className="stack-sm">
        <h3>History</h3>
        <CardTimeline cardId={card.card_id} events={card.events ?? []} />
      </div>
    </article>
  );
}
