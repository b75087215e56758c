import type { HTMLAttributes } from 'react';

import type { ImportStatus } from '@/types/api';

export type BadgeTone = 'neutral' | 'info' | 'success' | 'danger' | 'warning';

export function Badge({ tone = 'neutral', className, ...rest }: HTMLAttributes<HTMLSpanElement> & { tone?: BadgeTone }) {
  return <span className={['badge', `badge-${tone}`, className ?? ''].filter(Boolean).join(' ')} {...rest} />;
}

const STATUS_TONES: Record<ImportStatus, BadgeTone> = {
  pending: 'neutral',
  sanitizing: 'info',
  processing: 'info',
  completed: 'success',
  failed: 'danger',
  cancelled: 'warning',
};

/** A job's status; the text is exactly the status word. */
export function StatusBadge({ status, ...rest }: HTMLAttributes<HTMLSpanElement> & { status: ImportStatus }) {
  return (
    <Badge tone={STATUS_TONES[status]} {...rest}>
      {status}
    </Badge>
  );
}
