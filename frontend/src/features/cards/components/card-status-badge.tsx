import type { HTMLAttributes } from 'react';

import { Badge } from '@/components/ui/badge';
import type { CardEventType } from '@/types/api';

import { EVENT_LABELS, EVENT_TONES, isFinalEventType } from '../lib/event-types';

/** A card's status; a final one (delivered, returned) is drawn solid with a check mark. */
export function CardStatusBadge({
  status,
  size = 'md',
  className,
  ...rest
}: HTMLAttributes<HTMLSpanElement> & { status: CardEventType; size?: 'md' | 'lg' }) {
  const final = isFinalEventType(status);
  const classes = [final ? 'badge-final' : '', size === 'lg' ? 'badge-lg' : '', className ?? '']
    .filter(Boolean)
    .join(' ');
  return (
    <Badge tone={EVENT_TONES[status]} className={classes} title={final ? 'Final status' : undefined} {...rest}>
      {final ? (
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
          <path
            d="m3 8.5 3 3 7-7"
            fill="none"
            stroke="currentColor"
            strokeWidth="2.2"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
      ) : null}
      {EVENT_LABELS[status]}
    </Badge>
  );
}
