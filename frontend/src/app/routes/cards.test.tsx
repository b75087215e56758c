import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { sessionStore } from '@/lib/session-store';
import {
  DELIVERED_JOB_ID,
  ME,
  PICKUP_JOB_ID,
  cardEventFixture,
  cardStatusFixture,
} from '@/testing/fixtures';
import { renderApp } from '@/testing/render';
import { server } from '@/testing/server';
import type { CardStatus } from '@/types/api';

const delivered = cardStatusFixture({
  card_id: 'C1001',
  status: 'delivered',
  status_at: '2023-11-14T08:00:00Z',
  events_count: 3,
  events: [
    cardEventFixture({ partner_row_id: 'P-1' }),
    cardEventFixture({
      event_type: 'delivery_exception',
      event_at: '2023-11-13T10:00:00Z',
      reason: 'User not available',
      partner_row_id: 'E-1',
      dataset: 'card_delivery_exception',
      job_id: null,
      row_number: null,
    }),
    cardEventFixture({
      event_type: 'delivered',
      event_at: '2023-11-14T08:00:00Z',
      partner_row_id: 'D-1',
      dataset: 'card_delivered',
      job_id: DELIVERED_JOB_ID,
      row_number: 5,
    }),
  ],
});

const pickedUpAgain = cardStatusFixture({
  card_id: 'C1002',
  status: 'delivered',
  status_at: '2023-11-13T12:00:00Z',
  anomaly: true,
  anomaly_reason: 'pickup after delivered',
  events_count: 3,
  events: [
    cardEventFixture({ event_at: '2023-11-12T19:59:00Z', partner_row_id: 'P-2', row_number: 3 }),
    cardEventFixture({ event_type: 'delivered', event_at: '2023-11-13T12:00:00Z', dataset: 'card_delivered', job_id: DELIVERED_JOB_ID }),
    cardEventFixture({ event_at: '2023-11-14T08:00:00Z', partner_row_id: 'P-5', row_number: 6 }),
  ],
});

const exceptionAfterReturn = cardStatusFixture({
  card_id: 'C1003',
  status: 'returned',
  status_at: '2023-11-13T12:00:00Z',
  anomaly: true,
  anomaly_reason: 'delivery_exception after returned',
  events_count: 2,
  events: [
    cardEventFixture({ event_type: 'returned', event_at: '2023-11-13T12:00:00Z', dataset: 'card_returned' }),
    cardEventFixture({ event_type: 'delivery_exception', event_at: '2023-11-14T08:00:00Z', reason: 'Wrong address' }),
  ],
});

const notFound = { error: { code: 'not_found', message: 'No card matches.', fields: {} } };

/** Serve the lookup from a list of cards and record what the page asked for. */
function serveCards(cards: CardStatus[]) {
  const asked: Record<string, string>[] = [];
  server.use(
    http.get('/api/cards/status/', ({ request }) => {
      const params = Object.fromEntries(new URL(request.url).searchParams);
      asked.push(params);
      const found = cards.filter((card) =>
        params.card_id
          ? card.card_id === params.card_id
          : card.mobile === `+971${(params.user_mobile ?? '').replace(/\D/g, '').replace(/^(971|0)/, '')}`,
      );
      if (found.length === 0) return HttpResponse.json(notFound, { status: 404 });
      return HttpResponse.json({ count: found.length, results: found });
    }),
  );
  return asked;
}

/** What the page's one live region says, once it says it. */
async function announced(text: string) {
  await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(text));
}

const cardArticle = (id: string) => screen.getByRole('article', { name: `Card ${id}` });

describe('the Cards page', () => {
  beforeEach(() => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    server.use(http.get('/api/auth/me/', () => HttpResponse.json(ME)));
  });

  it('is in the navigation and says what to do before any search', async () => {
    server.use(http.get('/api/config/', () => new Promise<Response>(() => {})));
    const user = userEvent.setup();
    const router = renderApp('/import');
    await user.click(within(await screen.findByRole('navigation')).getByRole('link', { name: 'Cards' }));
    expect(router.state.location.pathname).toBe('/cards');
    expect(await screen.findByRole('heading', { level: 1, name: 'Cards' })).toBeInTheDocument();
    expect(screen.getByLabelText('Card ID')).toHaveValue('');
    expect(screen.getByLabelText('Mobile number')).toHaveValue('');
    expect(screen.getByText(/Look up one card by its ID/)).toBeInTheDocument();
  });

  it('finds a card by its ID with Enter: status, times, mobile and the history in order', async () => {
    const asked = serveCards([delivered]);
    const user = userEvent.setup();
    const router = renderApp('/cards');
    await user.type(await screen.findByLabelText('Card ID'), 'C1001{Enter}');

    await announced('1 card found for card ID “C1001”.');
    expect(asked).toEqual([{ card_id: 'C1001', history: 'true' }]);
    expect(router.state.location.search).toBe('?card_id=C1001');

    const card = cardArticle('C1001');
    const badge = within(card).getByTestId('card-status');
    expect(badge).toHaveTextContent(/^Delivered$/);
    expect(badge).toHaveClass('badge-final');
    const since = within(card).getByText('Status since').nextElementSibling?.querySelector('time');
    expect(since).toHaveAttribute('datetime', '2023-11-14T08:00:00Z');
    expect(since).toHaveAttribute('title', '2023-11-14 08:00:00 UTC');
    expect(within(card).getByText('Mobile').nextElementSibling).toHaveTextContent('+971585949014');
    expect(within(card).queryByText('Anomaly')).toBeNull();

    const timeline = within(card).getByRole('list', { name: 'Events of card C1001' });
    expect(timeline.tagName).toBe('OL');
    const items = within(timeline).getAllByRole('listitem');
    expect(items.map((item) => item.querySelector('strong')?.textContent)).toEqual([
      'Picked up',
      'Delivery exception',
      'Delivered',
    ]);
    expect(items[1]).toHaveTextContent('User not available');
    expect(within(items[0] as HTMLElement).getByRole('link', { name: 'row 2 of card_pickup' })).toHaveAttribute(
      'href',
      `/imports/${PICKUP_JOB_ID}`,
    );
    expect(within(items[2] as HTMLElement).getByRole('link', { name: 'row 5 of card_delivered' })).toHaveAttribute(
      'href',
      `/imports/${DELIVERED_JOB_ID}`,
    );
    // An event that no import brought has no link.
    expect(within(items[1] as HTMLElement).queryByRole('link')).toBeNull();
  });

  it('finds every card of a mobile, and shows an anomaly with its reason', async () => {
    const asked = serveCards([delivered, pickedUpAgain, exceptionAfterReturn]);
    const user = userEvent.setup();
    const router = renderApp('/cards');
    await user.type(await screen.findByLabelText('Mobile number'), '+971 58 594 9014');
    await user.click(screen.getByRole('button', { name: 'Find cards' }));

    await announced('3 cards found for mobile “+971 58 594 9014”, 2 with an anomaly.');
    expect(asked).toEqual([{ user_mobile: '+971 58 594 9014', history: 'true' }]);
    expect(new URLSearchParams(router.state.location.search).get('mobile')).toBe('+971 58 594 9014');
    const titles = screen.getAllByRole('article').map((a) => within(a).getByRole('heading', { level: 2 }).textContent);
    expect(titles).toEqual(['Card C1001', 'Card C1002', 'Card C1003']);

    expect(within(cardArticle('C1001')).queryByText('Anomaly')).toBeNull();
    const odd = cardArticle('C1002');
    expect(within(odd).getByTestId('card-status')).toHaveTextContent('Delivered');
    const warning = within(odd).getByText('Anomaly').closest('.alert');
    expect(warning).toHaveClass('alert-warning');
    expect(warning).toHaveTextContent('Pickup after delivered');
    // The later pickup stays in the history, after the delivery.
    const types = within(within(odd).getByRole('list')).getAllByRole('listitem').map((i) => i.querySelector('strong')?.textContent);
    expect(types).toEqual(['Picked up', 'Delivered', 'Picked up']);

    // A returned card is final too; the reason reads as words.
    const returned = cardArticle('C1003');
    expect(within(returned).getByTestId('card-status')).toHaveTextContent(/^Returned$/);
    expect(within(returned).getByTestId('card-status')).toHaveClass('badge-final');
    expect(within(returned).getByRole('note')).toHaveTextContent('Delivery exception after returned');
    expect(within(cardArticle('C1001')).queryByRole('note')).toBeNull();
  });

  it('reads the lookup from the address, and back returns to the previous one', async () => {
    serveCards([delivered, pickedUpAgain]);
    const user = userEvent.setup();
    const router = renderApp('/cards?mobile=0585949014');
    await announced('2 cards found for mobile “0585949014”, 1 with an anomaly.');
    expect(screen.getByLabelText('Mobile number')).toHaveValue('0585949014');

    await user.type(screen.getByLabelText('Card ID'), 'C1002{Enter}');
    await announced('1 card found for card ID “C1002”, with an anomaly.');
    expect(router.state.location.search).toBe('?card_id=C1002');
    // The field that was not searched is cleared, so the page shows exactly one lookup.
    expect(screen.getByLabelText('Mobile number')).toHaveValue('');
    expect(cardArticle('C1002')).toBeInTheDocument();

    await router.navigate(-1);
    await announced('2 cards found for mobile “0585949014”, 1 with an anomaly.');
    expect(screen.getByLabelText('Mobile number')).toHaveValue('0585949014');
    expect(screen.getByLabelText('Card ID')).toHaveValue('');
  });

  it('says No card found for an unknown ID', async () => {
    serveCards([delivered]);
    renderApp('/cards?card_id=C9999');
    expect(await screen.findByRole('heading', { name: 'No card found for card ID “C9999”' })).toBeInTheDocument();
    await announced('No card found for card ID “C9999”.');
    expect(screen.getByLabelText('Card ID')).toHaveValue('C9999');
    expect(screen.queryByRole('article')).toBeNull();
  });

  it('shows a refused lookup next to its field', async () => {
    server.use(
      http.get('/api/cards/status/', () =>
        HttpResponse.json(
          {
            error: {
              code: 'invalid',
              message: 'Invalid input.',
              fields: { user_mobile: ["is not a possible phone number: '12'"] },
            },
          },
          { status: 400 },
        ),
      ),
    );
    const user = userEvent.setup();
    renderApp('/cards');
    await user.type(await screen.findByLabelText('Mobile number'), '12{Enter}');
    const field = screen.getByLabelText('Mobile number');
    await waitFor(() =>
      expect(field).toHaveAccessibleDescription(/Mobile number is not a possible phone number: '12'/),
    );
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Card ID')).not.toHaveAttribute('aria-invalid');
    expect(screen.queryByText(/No card found/)).toBeNull();
  });

  it('asks for a value instead of sending an empty lookup', async () => {
    const asked = serveCards([delivered]);
    const user = userEvent.setup();
    renderApp('/cards');
    await user.type(await screen.findByLabelText('Card ID'), '   {Enter}');
    expect(screen.getByLabelText('Card ID')).toHaveAccessibleDescription(/Enter a card ID\./);
    expect(asked).toEqual([]);
  });

  it('shows server and network failures with a retry', async () => {
    let down = true;
    server.use(
      http.get('/api/cards/status/', () =>
        down ? new HttpResponse('oops', { status: 500 }) : HttpResponse.json({ count: 1, results: [delivered] }),
      ),
    );
    const user = userEvent.setup();
    renderApp('/cards?card_id=C1001');
    expect(await screen.findByRole('alert')).toHaveTextContent('Something went wrong on the server.');
    down = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('article', { name: 'Card C1001' })).toBeInTheDocument();
  });

  it('says Cannot reach the server when the network is down', async () => {
    server.use(http.get('/api/cards/status/', () => HttpResponse.error()));
    renderApp('/cards?card_id=C1001');
    expect(await screen.findByRole('alert')).toHaveTextContent('Cannot reach the server');
  });
});
