import { type FormEvent, useState } from 'react';

import { ErrorState } from '@/components/errors/error-state';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { ApiError } from '@/lib/api-client';
import { formatCount, formatCountOf } from '@/lib/format';

import { type CardQuery, useCardStatus } from '../api/get-card-status';
import { CardSummary } from './card-summary';

type By = CardQuery['by'];

/** The name the endpoint gives each kind of lookup, where its 400 puts the field's message. */
const API_FIELD: Record<By, string> = { card_id: 'card_id', mobile: 'user_mobile' };

const FIELD_LABEL: Record<By, string> = { card_id: 'Card ID', mobile: 'Mobile number' };

const EMPTY_MESSAGE: Record<By, string> = { card_id: 'Enter a card ID.', mobile: 'Enter a mobile number.' };

function describeQuery(query: CardQuery): string {
  return query.by === 'card_id' ? `card ID “${query.value}”` : `mobile “${query.value}”`;
}

export type CardLookupProps = {
  /** The lookup shown, from the address; null before the first search. */
  query: CardQuery | null;
  onSearch: (query: CardQuery) => void;
};

/**
 * Two small forms, card ID and mobile, so an agent types into the one that matches what the
 * customer gave and presses Enter; then every card found, with its history.
 */
export function CardLookup({ query, onSearch }: CardLookupProps) {
  const [cardId, setCardId] = useState(query?.by === 'card_id' ? query.value : '');
  const [mobile, setMobile] = useState(query?.by === 'mobile' ? query.value : '');
  const [emptyField, setEmptyField] = useState<By | null>(null);
  const { data, error, isLoading, mutate } = useCardStatus(query);

  // Back and forward change the lookup without a submit: the fields follow the address.
  const queryKey = query ? `${query.by}:${query.value}` : '';
  const [shownKey, setShownKey] = useState(queryKey);
  if (shownKey !== queryKey) {
    setShownKey(queryKey);
    setCardId(query?.by === 'card_id' ? query.value : '');
    setMobile(query?.by === 'mobile' ? query.value : '');
    setEmptyField(null);
  }

  const submit = (by: By) => (event: FormEvent) => {
    event.preventDefault();
    const value = (by === 'card_id' ? cardId : mobile).trim();
    if (!value) {
      setEmptyField(by);
      return;
    }
    setEmptyField(null);
    if (query && query.by === by && query.value === value) void mutate();
    else onSearch({ by, value });
  };

  const refused = error instanceof ApiError && error.status === 400 ? error : null;
  const notFound = (error instanceof ApiError && error.status === 404) || data?.count === 0;
  const fieldErrors = (by: By): string[] | undefined => {
    if (emptyField === by) return [EMPTY_MESSAGE[by]];
    if (!refused || query?.by !== by) return undefined;
    // The server words a field's message to follow the field's name ("is not a possible …").
    const messages = refused.fields[API_FIELD[by]] ?? [refused.message];
    return messages.map((m) => (/^[a-z]/.test(m) ? `${FIELD_LABEL[by]} ${m}` : m));
  };

  return (
    <div className="stack">
      <div className="card card-lookup">
        <form
          className="lookup-form"
          onSubmit={submit('card_id')}
          noValidate
          role="search"
          aria-label="Find a card by its ID"
        >
          <TextField
            label={FIELD_LABEL.card_id}
            name="card_id"
            autoComplete="off"
            spellCheck={false}
            value={cardId}
            onChange={(e) => setCardId(e.target.value)}
            errors={fieldErrors('card_id')}
            hint="As printed on the card or in the partner's feed."
          />
          <Button type="submit" variant={query?.by === 'mobile' ? 'secondary' : 'primary'}>
            Find card
          </Button>
        </form>
        <form
          className="lookup-form"
          onSubmit={submit('mobile')}
          noValidate
          role="search"
          aria-label="Find cards by mobile number"
        >
          <TextField
            label={FIELD_LABEL.mobile}
            name="user_mobile"
            type="tel"
            autoComplete="off"
            value={mobile}
            onChange={(e) => setMobile(e.target.value)}
            errors={fieldErrors('mobile')}
            hint="Any format: 0585949014, +971 58 594 9014."
          />
          <Button type="submit" variant={query?.by === 'mobile' ? 'primary' : 'secondary'}>
            Find cards
          </Button>
        </form>
      </div>

      <CardResults
        query={query}
        data={data}
        error={refused ? null : error}
        notFound={notFound}
        loading={isLoading}
        onRetry={() => void mutate()}
      />
    </div>
  );
}

type CardResultsProps = {
  query: CardQuery | null;
  data: ReturnType<typeof useCardStatus>['data'];
  error: unknown;
  notFound: boolean;
  loading: boolean;
  onRetry: () => void;
};

/** What the live region says; an error says nothing there, its alert speaks for it. */
function announce({ query, data, error, notFound, loading }: CardResultsProps & { query: CardQuery }): string {
  if (notFound) return `No card found for ${describeQuery(query)}.`;
  if (error) return '';
  if (!data) return loading ? `Looking up ${describeQuery(query)}…` : '';
  const anomalies = data.results.filter((card) => card.anomaly).length;
  const found = formatCountOf(data.count, 'card');
  const odd = anomalies === 0 ? '' : data.count === 1 ? ', with an anomaly' : `, ${formatCount(anomalies)} with an anomaly`;
  return `${found} found for ${describeQuery(query)}${odd}.`;
}

function CardResults(props: CardResultsProps) {
  const { query, data, error, notFound, loading, onRetry } = props;
  if (!query) {
    return (
      <div className="empty-state">
        <p className="muted">
          Look up one card by its ID, or every card of a customer by mobile number. You see where each card is in its
          delivery and the events behind it.
        </p>
      </div>
    );
  }
  const searching = !data && !error && !notFound && loading;
  return (
    <section className="stack" aria-label="Lookup result">
      {/* One live region that stays while the lookup changes, so each outcome is announced once. */}
      <p className={(data && !notFound) || searching ? 'loading' : 'sr-only'} role="status">
        {searching ? <span className="spinner" aria-hidden="true" /> : null}
        {announce({ ...props, query })}
      </p>
      {notFound ? (
        <div className="empty-state">
          <h2>No card found for {describeQuery(query)}</h2>
          <p className="muted">
            {query.by === 'card_id'
              ? 'Check the ID, or search by the customer’s mobile number.'
              : 'Check the number, or search by the card ID.'}{' '}
            A card appears here once a feed that mentions it has been imported.
          </p>
        </div>
      ) : null}
      {error && !notFound ? <ErrorState error={error} onRetry={onRetry} /> : null}
      {data && !notFound
        ? data.results.map((card) => <CardSummary key={card.card_id} card={card} />)
        : null}
    </section>
  );
}
