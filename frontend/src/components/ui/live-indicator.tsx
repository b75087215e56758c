import { useLiveStatus } from '@/lib/live/live-status';

/** A small note of how the page stays current. */
export function LiveIndicator() {
  const status = useLiveStatus();
  const text = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Polling';
  return (
    <span className={`live-indicator live-${status}`} data-testid="live-status" data-status={status} title={text}>
      {text}
    </span>
  );
}
