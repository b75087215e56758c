import { Link } from 'react-router';

import { DateTime } from '@/components/ui/date-time';
import { jobPath } from '@/config/paths';
import type { CardEvent } from '@/types/api';

import { EVENT_LABELS, EVENT_TONES } from '../lib/event-types';

/** The events behind a card's status, oldest first, each with the import row it came from. */
export function CardTimeline({ cardId, events }: { cardId: string; events: CardEvent[] }) {
  if (events.length === 0) return <p className="muted">No events are stored for this card.</p>;
  return (
    <ol className="timeline" aria-label={`Events of card ${cardId}`}>
      {events.map((event, index) => (
        <li
          key={`${event.dataset}-${event.partner_row_id}-${index}`}
          className={`timeline-item timeline-${EVENT_TONES[event.event_type]}`}
        >
          <p className="timeline-head">
            <strong>{EVENT_LABELS[event.event_type]}</strong>
            <DateTime iso={event.event_at} className="muted" />
          </p>
          {event.reason ? <p>{event.reason}</p> : null}
          <p className="muted small">
            {event.mobile || 'no mobile'}
            {event.partner_row_id ? (
              <>
                {' · ID '}
                <code>{event.partner_row_id}</code>
              </>
            ) : null}
            {event.job_id ? (
              <>
                {' · from '}
                <Link to={jobPath(event.job_id)} title={`The import that brought this event (${event.dataset})`}>
                  {/* Named by feed and row: two events' links never read the same yet lead apart. */}
                  {event.row_number === null ? `its ${event.dataset} import` : `row ${event.row_number} of ${event.dataset}`}
                </Link>
              </>
            ) : null}
          </p>
        </li>
      ))}
    </ol>
  );
}
