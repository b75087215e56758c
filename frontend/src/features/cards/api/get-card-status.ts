import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { CardStatusList } from '@/types/api';

/** A lookup is by one card's id, or by a mobile number that may own several cards. */
export type CardQuery = { by: 'card_id' | 'mobile'; value: string };

export function cardStatusKey(query: CardQuery): string {
  const params = new URLSearchParams();
  params.set(query.by === 'card_id' ? 'card_id' : 'user_mobile', query.value.trim());
  params.set('history', 'true');
  return `/api/cards/status/?${params.toString()}`;
}

/** GET /api/cards/status/: the cards found, each with its events oldest first. */
export function getCardStatus(query: CardQuery): Promise<CardStatusList> {
  return apiFetch<CardStatusList>(cardStatusKey(query));
}

export function useCardStatus(query: CardQuery | null) {
  return useSWR<CardStatusList>(query ? cardStatusKey(query) : null, () => getCardStatus(query as CardQuery));
}
