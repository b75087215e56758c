import type { BadgeTone } from '@/components/ui/badge';
import type { CardEventType } from '@/types/api';

export const EVENT_LABELS: Record<CardEventType, string> = {
  pickup: 'Picked up',
  delivery_exception: 'Delivery exception',
  delivered: 'Delivered',
  returned: 'Returned',
};

export const EVENT_TONES: Record<CardEventType, BadgeTone> = {
  pickup: 'info',
  delivery_exception: 'warning',
  delivered: 'success',
  returned: 'neutral',
};

/** A card in one of these has reached the end of its delivery; later events are anomalies. */
export const FINAL_EVENT_TYPES: readonly CardEventType[] = ['delivered', 'returned'];

export function isFinalEventType(type: CardEventType): boolean {
  return FINAL_EVENT_TYPES.includes(type);
}
