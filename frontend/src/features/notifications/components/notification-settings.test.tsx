import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { sessionStore } from '@/lib/session-store';
import { renderWithApp } from '@/testing/render';
import { server } from '@/testing/server';

import { NotificationSettings } from './notification-settings';

describe('NotificationSettings', () => {
  it('turns import e-mails to failures only, and saves the workspace addresses', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    const puts: unknown[] = [];
    let addresses: string[] = [];
    server.use(
      http.get('/api/notifications/me/', () => HttpResponse.json({ import_emails: 'all' })),
      http.put('/api/notifications/me/', async ({ request }) => {
        const body = (await request.json()) as { import_emails: string };
        puts.push(body);
        return HttpResponse.json(body);
      }),
      http.get('/api/notifications/workspace/', () => HttpResponse.json({ email_addresses: addresses })),
      http.put('/api/notifications/workspace/', async ({ request }) => {
        const body = (await request.json()) as { email_addresses: string[] };
        if (body.email_addresses.includes('nope')) {
          return HttpResponse.json(
            { error: { code: 'invalid', message: 'bad', fields: { email_addresses: ["'nope' is not an e-mail address."] } } },
            { status: 400 },
          );
        }
        addresses = body.email_addresses;
        return HttpResponse.json(body);
      }),
    );
    const user = userEvent.setup();
    renderWithApp(<NotificationSettings />);
    const all = await screen.findByRole('radio', { name: /Every finished import/ });
    expect(all).toBeChecked();
    await user.click(screen.getByRole('radio', { name: /Only failed or cancelled imports/ }));
    await waitFor(() => expect(puts).toEqual([{ import_emails: 'failures' }]));
    expect(screen.getByRole('radio', { name: /Only failed or cancelled imports/ })).toBeChecked();

    const box = screen.getByLabelText('Workspace notification addresses');
    await user.type(box, 'ops@acme.test\nnope');
    await user.click(screen.getByRole('button', { name: 'Save addresses' }));
    expect(await screen.findByText("'nope' is not an e-mail address.")).toBeInTheDocument();
    await user.clear(box);
    await user.type(box, 'ops@acme.test, data@acme.test');
    await user.click(screen.getByRole('button', { name: 'Save addresses' }));
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
    expect(addresses).toEqual(['ops@acme.test', 'data@acme.test']);
  });

  it('an API-key session has no personal settings, only the workspace part', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    server.use(
      http.get('/api/notifications/me/', () =>
        HttpResponse.json({ error: { code: 'user_only', message: 'sign in', fields: {} } }, { status: 403 }),
      ),
      http.get('/api/notifications/workspace/', () => HttpResponse.json({ email_addresses: ['ops@acme.test'] })),
    );
    renderWithApp(<NotificationSettings />);
    expect(await screen.findByLabelText('Workspace notification addresses')).toHaveValue('ops@acme.test');
    expect(screen.queryByRole('radio')).toBeNull();
  });
});
