import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { sessionStore } from '@/lib/session-store';
import { ME, booksConfig } from '@/testing/fixtures';
import { renderApp } from '@/testing/render';
import { server } from '@/testing/server';
import type { ApiKey } from '@/types/api';

const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });

describe('the app', () => {
  it('sends a visitor without a session to sign in, then signs in and lands on Import', async () => {
    server.use(
      http.post('/api/auth/login/', async ({ request }) => {
        const body = (await request.json()) as { email: string; password: string };
        return body.password === 'right password'
          ? HttpResponse.json({ access: 'a1', refresh: 'r1' })
          : HttpResponse.json(
              { error: { code: 'invalid_credentials', message: 'Wrong e-mail or password.', fields: {} } },
              { status: 400 },
            );
      }),
      http.get('/api/auth/me/', () => HttpResponse.json(ME)),
      http.get('/api/imports/', () => HttpResponse.json(page([]))),
    );
    const user = userEvent.setup();
    const router = renderApp('/imports');
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(screen.getByRole('link', { name: 'Create an account' })).toHaveAttribute('href', '/sign-up');

    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong e-mail or password.');

    await user.clear(screen.getByLabelText('Password'));
    await user.type(screen.getByLabelText('Password'), 'right password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    // Back where the visitor was going.
    expect(await screen.findByRole('heading', { name: 'History' })).toBeInTheDocument();
    expect(sessionStore.get()).toEqual({ access: 'a1', refresh: 'r1' });
  });

  it('signs up, shows field errors next to the fields, and lands on Import', async () => {
    server.use(
      http.post('/api/auth/register/', async ({ request }) => {
        const body = (await request.json()) as { password: string; confirm_password: string };
        if (body.password !== body.confirm_password) {
          return HttpResponse.json(
            {
              error: {
                code: 'invalid',
                message: 'Invalid input.',
                fields: { confirm_password: ['The two passwords do not match.'] },
              },
            },
            { status: 400 },
          );
        }
        return HttpResponse.json({ access: 'a2', refresh: 'r2', ...ME }, { status: 201 });
      }),
      http.get('/api/auth/me/', () => HttpResponse.json(ME)),
      http.get('/api/config/', () => HttpResponse.json(booksConfig)),
    );
    const user = userEvent.setup();
    const router = renderApp('/sign-up');
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'a long password');
    await user.type(screen.getByLabelText('Confirm password'), 'a long passw0rd');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    const confirm = screen.getByLabelText('Confirm password');
    await waitFor(() => expect(confirm).toHaveAccessibleDescription('The two passwords do not match.'));
    expect(screen.getByRole('alert')).toHaveTextContent('do not match');

    await user.clear(confirm);
    await user.type(confirm, 'a long password');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('heading', { name: 'Import a file' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/import');
    const nav = screen.getByRole('navigation');
    for (const name of ['Import', 'History', 'Cards', 'Data', 'API keys']) {
      expect(within(nav).getByRole('link', { name })).toBeInTheDocument();
    }
    expect(await screen.findByText('ada@example.com')).toBeInTheDocument();
  });

  it('goes back to sign in when the session cannot be refreshed', async () => {
    sessionStore.set({ access: 'expired', refresh: 'expired-too' });
    server.use(
      http.get('/api/auth/me/', () => new HttpResponse(null, { status: 401 })),
      http.get('/api/config/', () => new HttpResponse(null, { status: 401 })),
      http.post('/api/auth/refresh/', () => new HttpResponse(null, { status: 401 })),
    );
    const router = renderApp('/import');
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(sessionStore.get()).toBeNull();
  });

  it('signs out cleanly, and the next session loads its own data', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    let meCalls = 0;
    server.use(
      http.get('/api/auth/me/', () => {
        meCalls += 1;
        return meCalls === 1 ? HttpResponse.json(ME) : HttpResponse.json({ ...ME, user: { id: 2, email: 'bo@example.com' } });
      }),
      http.get('/api/config/', () => HttpResponse.json(booksConfig)),
      http.post('/api/auth/login/', () => HttpResponse.json({ access: 'b', refresh: 'rb' })),
      http.post('/api/auth/logout/', async ({ request }) => {
        revoked.push(await request.json());
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const revoked: unknown[] = [];
    const user = userEvent.setup();
    const router = renderApp('/import');
    await screen.findByText('ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(revoked).toEqual([{ refresh: 'r' }]));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(window.localStorage.getItem('intake.access')).toBeNull();
    expect(screen.queryByText('ada@example.com')).toBeNull();

    await user.type(screen.getByLabelText('Email'), 'bo@example.com');
    await user.type(screen.getByLabelText('Password'), 'secret words');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('bo@example.com')).toBeInTheDocument();
    expect(await screen.findByLabelText('Dataset')).toBeInTheDocument();
    expect(meCalls).toBe(2);
  });

  it('API keys: the secret once with Copy, and revoking asks first', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    let keys: ApiKey[] = [
      { id: 'k1', name: 'old', prefix: 'AbCd1234', created: '2026-11-01T10:00:00Z', last_used_at: null, revoked: false },
    ];
    const revoked: string[] = [];
    server.use(
      http.get('/api/auth/me/', () => HttpResponse.json(ME)),
      http.get('/api/keys/', () => HttpResponse.json(page(keys))),
      http.post('/api/keys/', async ({ request }) => {
        const { name } = (await request.json()) as { name: string };
        const key = { id: 'k2', name, prefix: 'ZyXw9876', created: '2026-11-24T08:00:00Z', last_used_at: null, revoked: false };
        keys = [key, ...keys];
        return HttpResponse.json({ ...key, key: 'ZyXw9876.secret-value-shown-once' }, { status: 201 });
      }),
      http.delete('/api/keys/:id/', ({ params }) => {
        revoked.push(String(params.id));
        keys = keys.filter((k) => k.id !== params.id);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const user = userEvent.setup();
    renderApp('/keys');
    const table = await screen.findByRole('table', { name: 'API keys' });
    expect(within(table).getByRole('cell', { name: 'old' })).toBeInTheDocument();

    await user.type(screen.getByLabelText('Key name'), 'nightly');
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    expect(await screen.findByTestId('new-key-secret')).toHaveTextContent('ZyXw9876.secret-value-shown-once');
    expect(screen.getByRole('button', { name: 'Copy' })).toBeInTheDocument();
    expect(screen.getByText(/shown once/)).toBeInTheDocument();
    expect(await within(table).findByRole('cell', { name: 'nightly' })).toBeInTheDocument();

    // Each Revoke says which key it revokes.
    expect(within(table).getAllByRole('button').map((button) => button.getAttribute('aria-label'))).toEqual([
      'Revoke key “nightly” (ZyXw9876…)',
      'Revoke key “old” (AbCd1234…)',
    ]);
    const revokeOld = within(table).getByRole('button', { name: 'Revoke key “old” (AbCd1234…)' });
    await user.click(revokeOld);
    let dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Keep key' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(revoked).toEqual([]);

    await user.click(revokeOld);
    dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(revoked).toEqual(['k1']);
    await waitFor(() => expect(within(table).queryByRole('cell', { name: 'old' })).toBeNull());
  });

  it('History filters by status, links each job and says who started it', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    const job = (id: string, status: string, filename: string) => ({
      id,
      status,
      filename,
      started_by:
        id === 'j1'
          ? { via: 'api_key', name: 'nightly sync', api_key_prefix: 'Ab12Cd' }
          : { via: 'user', name: 'ana@example.com', api_key_prefix: '' },
      dataset: 'books',
      created_rows: 3,
      updated_rows: 0,
      skipped_rows: 0,
      failed_rows: 1,
      created_at: '2026-11-24T08:00:00Z',
    });
    const queries: (string | null)[] = [];
    server.use(
      http.get('/api/auth/me/', () => HttpResponse.json(ME)),
      http.get('/api/imports/', ({ request }) => {
        const status = new URL(request.url).searchParams.get('status');
        queries.push(status);
        const all = [job('j1', 'completed', 'a.csv'), job('j2', 'failed', 'b.csv')];
        return HttpResponse.json(page(status ? all.filter((j) => j.status === status) : all));
      }),
    );
    const user = userEvent.setup();
    renderApp('/imports');
    const table = await screen.findByRole('table', { name: 'Import history' });
    expect(await within(table).findByRole('link', { name: 'a.csv' })).toHaveAttribute('href', '/imports/j1');
    expect(within(table).getByRole('link', { name: 'b.csv' })).toHaveAttribute('href', '/imports/j2');
    expect(within(table).getByText('API key “nightly sync” (Ab12Cd…)')).toBeInTheDocument();
    expect(within(table).getByText('ana@example.com')).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Status'), 'failed');
    await waitFor(() => expect(within(table).queryByRole('link', { name: 'a.csv' })).toBeNull());
    expect(within(table).getByRole('link', { name: 'b.csv' })).toBeInTheDocument();
    expect(queries).toContain('failed');
  });

  it('Data searches the books', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    const searches: string[] = [];
    server.use(
      http.get('/api/auth/me/', () => HttpResponse.json(ME)),
      http.get('/api/config/', () => HttpResponse.json(booksConfig)),
      http.get('/api/datasets/books/records/', ({ request }) => {
        const search = new URL(request.url).searchParams.get('search') ?? '';
        searches.push(search);
        const record = (id: number, values: Record<string, string | number | null>) => ({
          id,
          values,
          source_job_id: null,
          source_row_number: null,
          created_at: '',
          updated_at: '',
        });
        const books = [
          record(1, { title: 'Salt and Cedar', author: 'Mira Holt', isbn: '9781000000017', publication_year: 2001 }),
          record(2, { title: 'Harbour Lights', author: 'Nell Garner', isbn: '9782000000112', publication_year: null }),
        ];
        return HttpResponse.json(
          page(books.filter((b) => String(b.values.title).toLowerCase().includes(search.toLowerCase()))),
        );
      }),
    );
    const user = userEvent.setup();
    renderApp('/data');
    const table = await screen.findByRole('table', { name: 'Books' });
    expect(await within(table).findByText('Salt and Cedar')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Search books'), 'harbour');
    await waitFor(() => expect(within(table).queryByText('Salt and Cedar')).toBeNull());
    expect(within(table).getByText('Harbour Lights')).toBeInTheDocument();
    expect(searches).toContain('harbour');
  });

  it('shows Cannot reach the server when the API is down', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    server.use(
      http.get('/api/auth/me/', () => HttpResponse.error()),
      http.get('/api/config/', () => HttpResponse.error()),
    );
    renderApp('/import');
    expect(await screen.findByRole('alert')).toHaveTextContent('Cannot reach the server');
  });
});
