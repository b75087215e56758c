import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { sessionStore } from '@/lib/session-store';
import { ME, PICKUP_JOB_ID, feedsConfig } from '@/testing/fixtures';
import { renderApp } from '@/testing/render';
import { server } from '@/testing/server';
import type { DatasetRecord } from '@/types/api';

function record(id: number, values: DatasetRecord['values']): DatasetRecord {
  return {
    id,
    values,
    source_job_id: PICKUP_JOB_ID,
    source_row_number: id + 1,
    created_at: '2026-11-24T08:00:00Z',
    updated_at: '2026-11-24T08:00:00Z',
  };
}

const STORED: Record<string, DatasetRecord[]> = {
  books: [
    record(1, { title: 'Salt and Cedar', author: 'Mira Holt', isbn: '9781000000017', publication_year: 2001 }),
    record(2, { title: 'Harbour Lights', author: 'Nell Garner', isbn: '9782000000112', publication_year: null }),
  ],
  card_pickup: [
    record(3, { partner_row_id: 'P-1', card_id: 'C1001', mobile: '+971585949014', event_at: '2023-11-13T09:34:56Z' }),
  ],
};

type Asked = { dataset: string; search: string | null; page: string | null };

/** Serve each dataset's rows (searching every value) and record what the page asked for. */
function serveRecords(stored = STORED) {
  const asked: Asked[] = [];
  server.use(
    http.get('/api/datasets/:name/records/', ({ params, request }) => {
      const url = new URL(request.url);
      const dataset = String(params.name);
      const search = url.searchParams.get('search');
      asked.push({ dataset, search, page: url.searchParams.get('page') });
      const rows = (stored[dataset] ?? []).filter(
        (r) => !search || Object.values(r.values).some((v) => String(v).toLowerCase().includes(search.toLowerCase())),
      );
      return HttpResponse.json({ count: rows.length, next: null, previous: null, results: rows });
    }),
  );
  return asked;
}

const headers = (table: HTMLElement) => within(table).getAllByRole('columnheader').map((h) => h.textContent);

describe('the Data page', () => {
  beforeEach(() => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    server.use(
      http.get('/api/auth/me/', () => HttpResponse.json(ME)),
      http.get('/api/config/', () => HttpResponse.json(feedsConfig)),
    );
  });

  it('shows the first dataset, and switching changes the columns, the request and the address', async () => {
    const asked = serveRecords();
    const user = userEvent.setup();
    const router = renderApp('/data');
    const books = await screen.findByRole('table', { name: 'Books' });
    expect(await within(books).findByText('Salt and Cedar')).toBeInTheDocument();
    expect(headers(books)).toEqual(['Title', 'Author', 'ISBN', 'Year', 'Updated']);
    const harbour = within(books).getByText('Harbour Lights').closest('tr') as HTMLElement;
    expect(within(harbour).getAllByRole('cell').map((c) => c.textContent)).toEqual([
      'Harbour Lights',
      'Nell Garner',
      '9782000000112',
      '—',
      expect.any(String),
    ]);

    const select = screen.getByLabelText('Dataset');
    expect(within(select).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Books',
      'Cards delivered',
      'Card delivery exceptions',
      'Card pickups',
      'Cards returned',
    ]);
    await user.selectOptions(select, 'card_pickup');
    const pickups = await screen.findByRole('table', { name: 'Card pickups' });
    expect(headers(pickups)).toEqual(['Partner row ID', 'Card ID', 'Mobile', 'Timestamp', 'Updated']);
    const row = (await within(pickups).findByText('C1001')).closest('tr') as HTMLElement;
    expect(within(row).getByText('+971585949014')).toBeInTheDocument();
    const when = row.querySelector('time');
    expect(when).toHaveAttribute('datetime', '2023-11-13T09:34:56Z');
    expect(when).toHaveAttribute('title', '2023-11-13 09:34:56 UTC');
    expect(screen.queryByRole('table', { name: 'Books' })).toBeNull();
    expect(router.state.location.search).toBe('?dataset=card_pickup');
    expect(asked.map((a) => a.dataset)).toEqual(['books', 'card_pickup']);
    expect(screen.getByLabelText('Search card pickups')).toHaveValue('');
  });

  it('opens the dataset named in the address', async () => {
    serveRecords();
    renderApp('/data?dataset=card_pickup');
    expect(await screen.findByRole('table', { name: 'Card pickups' })).toBeInTheDocument();
    expect(screen.getByLabelText('Dataset')).toHaveValue('card_pickup');
  });

  it('falls back to the first dataset, and says so, for an unknown name', async () => {
    serveRecords();
    renderApp('/data?dataset=nope');
    expect(await screen.findByRole('table', { name: 'Books' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('There is no dataset named “nope”.');
  });

  it('searches the dataset shown, from page 1', async () => {
    const asked = serveRecords();
    const user = userEvent.setup();
    renderApp('/data?dataset=books');
    const table = await screen.findByRole('table', { name: 'Books' });
    await within(table).findByText('Salt and Cedar');
    await user.type(screen.getByLabelText('Search books'), 'harbour');
    await waitFor(() => expect(within(table).queryByText('Salt and Cedar')).toBeNull());
    expect(within(table).getByText('Harbour Lights')).toBeInTheDocument();
    expect(asked.at(-1)).toEqual({ dataset: 'books', search: 'harbour', page: null });
    expect(screen.getByText('1 row')).toBeInTheDocument();

    await user.clear(screen.getByLabelText('Search books'));
    await user.type(screen.getByLabelText('Search books'), 'nothing like it');
    expect(await within(table).findByText('No books match “nothing like it”.')).toBeInTheDocument();
  });

  it('pages through a large dataset', async () => {
    const asked: (string | null)[] = [];
    server.use(
      http.get('/api/datasets/card_pickup/records/', ({ request }) => {
        const page = Number(new URL(request.url).searchParams.get('page') ?? '1');
        asked.push(new URL(request.url).searchParams.get('page'));
        const base = 'http://testserver/api/datasets/card_pickup/records/';
        return HttpResponse.json({
          count: 1234,
          next: page < 25 ? `${base}?page=${page + 1}` : null,
          previous: page > 1 ? `${base}?page=${page - 1}` : null,
          results: [record(page, { partner_row_id: `P-${page}`, card_id: `C${1000 + page}`, mobile: null, event_at: null })],
        });
      }),
    );
    const user = userEvent.setup();
    renderApp('/data?dataset=card_pickup');
    const table = await screen.findByRole('table', { name: 'Card pickups' });
    await within(table).findByText('C1001');
    expect(screen.getByText('1,234 rows')).toBeInTheDocument();
    const pages = screen.getByRole('group', { name: 'Card pickups pages' });
    expect(pages).toHaveTextContent('1–50 of 1,234');
    expect(within(pages).getByRole('button', { name: 'Previous page' })).toBeDisabled();

    await user.click(within(pages).getByRole('button', { name: 'Next page' }));
    await within(table).findByText('C1002');
    expect(pages).toHaveTextContent('51–100 of 1,234');
    expect(asked).toEqual([null, '2']);
    await user.click(within(pages).getByRole('button', { name: 'Previous page' }));
    await within(table).findByText('C1001');
  });

  it('says what to do when a dataset is empty', async () => {
    serveRecords({ books: [] });
    renderApp('/data');
    const table = await screen.findByRole('table', { name: 'Books' });
    expect(await within(table).findByText(/No books yet/)).toBeInTheDocument();
    expect(within(table).getByRole('link', { name: 'Import a file' })).toHaveAttribute('href', '/import');
  });
});
