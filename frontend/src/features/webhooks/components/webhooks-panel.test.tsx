import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { sessionStore } from '@/lib/session-store';
import { renderWithApp } from '@/testing/render';
import { server } from '@/testing/server';
import type { WebhookDelivery, WebhookEndpoint } from '@/types/api';

import { WebhookDetail } from './webhook-detail';
import { WebhooksPanel } from './webhooks-panel';

const endpoint = (overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: 7,
  url: 'https://erp.example.com/hooks',
  description: '',
  events: ['import.completed'],
  enabled: true,
  secret_hint: 'whsec_AbCd…',
  failing_since: null,
  disabled_at: null,
  disabled_reason: '',
  created_at: '2026-11-24T08:00:00Z',
  ...overrides,
});

describe('Webhooks', () => {
  it('adds an endpoint, shows its secret once and lists it', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    const endpoints: WebhookEndpoint[] = [];
    const posted: unknown[] = [];
    server.use(
      http.get('/api/webhooks/', () => HttpResponse.json(endpoints)),
      http.post('/api/webhooks/', async ({ request }) => {
        const body = (await request.json()) as { url: string; events: string[] };
        posted.push(body);
        if (body.url.includes('10.0.0.1')) {
          return HttpResponse.json(
            { error: { code: 'address_refused', message: 'x', fields: { url: ['10.0.0.1 is 10.0.0.1, a private address.'] } } },
            { status: 400 },
          );
        }
        const created = endpoint({ url: body.url, events: body.events as WebhookEndpoint['events'] });
        endpoints.push(created);
        return HttpResponse.json({ ...created, secret: 'whsec_AbCdEfGhIjKlMnOp' }, { status: 201 });
      }),
    );
    const user = userEvent.setup();
    renderWithApp(<WebhooksPanel />);
    await screen.findByText('No endpoints yet.');
    await user.type(screen.getByLabelText('Endpoint URL'), 'http://10.0.0.1/hook');
    await user.click(screen.getByRole('button', { name: 'Add endpoint' }));
    expect(await screen.findByText('10.0.0.1 is 10.0.0.1, a private address.')).toBeInTheDocument();

    await user.clear(screen.getByLabelText('Endpoint URL'));
    await user.type(screen.getByLabelText('Endpoint URL'), 'https://erp.example.com/hooks');
    await user.click(screen.getByRole('checkbox', { name: /import.progress/ }));
    await user.click(screen.getByRole('button', { name: 'Add endpoint' }));
    expect(await screen.findByTestId('webhook-secret')).toHaveTextContent('whsec_AbCdEfGhIjKlMnOp');
    expect(posted[1]).toEqual({
      url: 'https://erp.example.com/hooks',
      events: ['import.completed', 'import.failed', 'import.cancelled', 'import.progress'],
      description: '',
    });
    const table = await screen.findByRole('table', { name: 'Webhook endpoints' });
    expect(await within(table).findByRole('link', { name: 'https://erp.example.com/hooks' })).toHaveAttribute(
      'href',
      '/webhooks/7',
    );
  });

  it('shows deliveries with their attempts and redelivers one', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    const delivery: WebhookDelivery = {
      id: 3,
      event: 'import.completed',
      message_id: 'msg_1',
      job: 'j1',
      status: 'failed',
      attempts: 2,
      next_attempt_at: null,
      created_at: '2026-11-24T08:00:00Z',
      succeeded_at: null,
      attempt_log: [
        { number: 1, manual: false, started_at: '2026-11-24T08:00:00Z', status_code: 500, latency_ms: 12, succeeded: false, response_excerpt: 'down', error: '' },
        { number: 2, manual: false, started_at: '2026-11-24T08:00:05Z', status_code: null, latency_ms: 5001, succeeded: false, response_excerpt: '', error: 'ReadTimeoutError: timed out' },
      ],
    };
    let redelivered = 0;
    server.use(
      http.get('/api/webhooks/7/', () => HttpResponse.json(endpoint({ failing_since: '2026-11-24T08:00:00Z' }))),
      http.get('/api/webhooks/7/deliveries/', () => HttpResponse.json({ count: 1, next: null, previous: null, results: [delivery] })),
      http.post('/api/webhooks/7/deliveries/3/redeliver/', () => {
        redelivered += 1;
        return HttpResponse.json(delivery, { status: 202 });
      }),
    );
    const user = userEvent.setup();
    renderWithApp(<WebhookDetail id="7" />);
    const table = await screen.findByRole('table', { name: 'Deliveries' });
    expect(within(table).getByText('500')).toBeInTheDocument();
    expect(within(table).getByText('ReadTimeoutError: timed out')).toBeInTheDocument();
    expect(screen.getByText('failing')).toBeInTheDocument();
    // Each Redeliver names the message it sends again.
    await user.click(within(table).getByRole('button', { name: `Redeliver ${delivery.event} ${delivery.message_id}` }));
    await waitFor(() => expect(redelivered).toBe(1));
  });

  it('edits the events of an endpoint', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    const patches: unknown[] = [];
    server.use(
      http.get('/api/webhooks/7/', () => HttpResponse.json(endpoint())),
      http.get('/api/webhooks/7/deliveries/', () => HttpResponse.json({ count: 0, next: null, previous: null, results: [] })),
      http.patch('/api/webhooks/7/', async ({ request }) => {
        const body = (await request.json()) as { events: WebhookEndpoint['events'] };
        patches.push(body);
        return HttpResponse.json(endpoint({ events: body.events }));
      }),
    );
    const user = userEvent.setup();
    renderWithApp(<WebhookDetail id="7" />);
    await user.click(await screen.findByText('Edit the URL, description and events'));
    const form = screen.getByRole('form', { name: 'Edit the endpoint' });
    await user.click(within(form).getByRole('checkbox', { name: 'import.failed' }));
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await within(form).findByText('Saved.')).toBeInTheDocument();
    expect(patches).toEqual([
      { url: 'https://erp.example.com/hooks', events: ['import.completed', 'import.failed'], description: '' },
    ]);
  });
});
