import { useSearchParams } from 'react-router';

import type { CardQuery } from '@/features/cards/api/get-card-status';
import { CardLookup } from '@/features/cards/components/card-lookup';

import { useTitle } from './use-title';

/** ?card_id=… or ?mobile=…, so a lookup can be shared as a link; card_id wins if both are there. */
function queryFrom(params: URLSearchParams): CardQuery | null {
  const cardId = params.get('card_id')?.trim();
  if (cardId) return { by: 'card_id', value: cardId };
  const mobile = params.get('mobile')?.trim();
  if (mobile) return { by: 'mobile', value: mobile };
  return null;
}

export function CardsRoute() {
  const [params, setParams] = useSearchParams();
  const query = queryFrom(params);
  useTitle(query ? `${query.value} · Cards` : 'Cards');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Cards</h1>
          <p className="muted">
            Where a card is in its delivery, from the partners’ pickup, exception, delivery and return feeds.
          </p>
        </div>
      </header>
      <CardLookup
        query={query}
        onSearch={(next) => setParams(next.by === 'card_id' ? { card_id: next.value } : { mobile: next.value })}
      />
    </div>
  );
}
