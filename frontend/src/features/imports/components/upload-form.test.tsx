import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { sessionStore } from '@/lib/session-store';
import { JOB_ID, booksConfig, feedsConfig, jobFixture } from '@/testing/fixtures';
import { answerInspect } from '@/testing/inspect';
import { renderWithApp } from '@/testing/render';
import { server } from '@/testing/server';

import { UploadForm } from './upload-form';

function setup(config = booksConfig) {
  sessionStore.set({ access: 'access-1', refresh: 'refresh-1' });
  const user = userEvent.setup({ applyAccept: false });
  renderWithApp(<UploadForm config={config} />, { route: '/import', path: '/import' });
  return user;
}

/** Answer an upload with a job and keep the form's fields. */
function captureUpload() {
  const sent: Record<string, FormDataEntryValue | null>[] = [];
  server.use(
    http.post('/api/imports/', async ({ request }) => {
      const form = await request.formData();
      sent.push(Object.fromEntries(['dataset', 'on_conflict', 'timezone', 'column_mapping'].map((k) => [k, form.get(k)])));
      return HttpResponse.json(jobFixture(), { status: 201 });
    }),
  );
  return sent;
}

const csv = (name: string, text: string) => new File([text], name, { type: 'text/csv' });

/** The cells' texts of the Column matching row for a dataset column. */
function matchingRow(column: string): string[] {
  const table = screen.getByRole('table', { name: 'Column matching' });
  const row = within(table)
    .getAllByRole('row')
    .find((r) => within(r).queryAllByRole('cell')[0]?.textContent === column);
  if (!row) throw new Error(`no row for ${column}`);
  return within(row)
    .getAllByRole('cell')
    .map((cell) => cell.textContent ?? '');
}

const start = () => screen.getByRole('button', { name: 'Start import' });

describe('UploadForm', () => {
  it('shows the dataset, its columns and the template link', () => {
    setup();
    expect(screen.getByLabelText('Dataset')).toHaveValue('books');
    expect(screen.getByRole('link', { name: 'Download template CSV' })).toHaveAttribute(
      'href',
      '/api/datasets/books/template.csv',
    );
    expect(screen.getByRole('button', { name: 'Choose a file' })).toBeEnabled();
    expect(screen.getByRole('radio', { name: 'Report an error' })).toBeChecked();
    expect(start()).toBeDisabled();
  });

  it('refuses a file that is not a .csv, and the start button stays disabled', async () => {
    const user = setup();
    await user.upload(screen.getByLabelText('CSV file'), csv('books.txt', 'title,author,isbn\nA,B,C\n'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('.csv');
    expect(alert).toHaveTextContent('.xlsx');
    expect(alert).toHaveTextContent('books.txt');
    expect(start()).toBeDisabled();
    expect(screen.queryByRole('table', { name: 'Column matching' })).toBeNull();
  });

  it('refuses a file over the size limit', async () => {
    const user = setup();
    const big = csv('big.csv', `title,author,isbn\n${'x'.repeat(1200)}\n`);
    await user.upload(screen.getByLabelText('CSV file'), big);
    expect(await screen.findByRole('alert')).toHaveTextContent(/too large/);
    expect(start()).toBeDisabled();
  });

  it('matches a good file and enables the start button', async () => {
    answerInspect(booksConfig, { headers: ['Title', 'authors', 'ISBN13'], delimiter: ';' });
    const user = setup();
    await user.upload(screen.getByLabelText('CSV file'), csv('good.csv', '\ufeffTitle;authors;ISBN13\nA;B;9780306406157\n'));
    await screen.findByRole('table', { name: 'Column matching' });
    expect(screen.getByText('good.csv')).toBeInTheDocument();
    expect(matchingRow('title').slice(2, 4)).toEqual(['matched', 'Title']);
    expect(matchingRow('author').slice(2, 4)).toEqual(['matched by alias', 'authors']);
    expect(matchingRow('isbn').slice(2, 4)).toEqual(['matched by alias', 'ISBN13']);
    expect(matchingRow('publication_year')[2]).toBe('missing');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByLabelText(/Column for/)).toBeNull();
    expect(start()).toBeEnabled();
  });

  it('refuses a file missing a required column until it is mapped, then sends the mapping', async () => {
    let sent: Record<string, FormDataEntryValue | null> | null = null;
    let auth: string | null = null;
    server.use(
      http.post('/api/imports/', async ({ request }) => {
        auth = request.headers.get('Authorization');
        const form = await request.formData();
        const file = form.get('file');
        sent = {
          dataset: form.get('dataset'),
          on_conflict: form.get('on_conflict'),
          column_mapping: form.get('column_mapping'),
          // jsdom's File does not survive the trip into the interceptor's FormData (its name and
          // bytes are lost there), so only the part's presence is checked here; the browser
          // tests check the uploaded bytes end to end.
          file: file === null ? null : 'sent',
        };
        return HttpResponse.json(jobFixture(), { status: 201 });
      }),
    );
    const inspected = answerInspect(booksConfig, { headers: ['Book Title', 'Author', 'ISBN', 'Year'] });
    const user = setup();
    const content = 'Book Title,Author,ISBN,Year\nHarbour Lights,Nell Garner,9782000000112,1991\n';
    await user.upload(screen.getByLabelText('CSV file'), csv('books-book-title.csv', content));
    await screen.findByRole('table', { name: 'Column matching' });
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(/missing/);
    expect(alert).toHaveTextContent('title');
    expect(start()).toBeDisabled();
    expect(matchingRow('title').slice(2, 4)).toEqual(['missing', '—']);
    expect(matchingRow('publication_year').slice(2, 4)).toEqual(['matched by alias', 'Year']);
    expect(screen.queryByLabelText('Column for author')).toBeNull();

    const select = screen.getByLabelText('Column for title');
    expect(within(select).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Choose a header…',
      'Book Title',
      'Author',
      'ISBN',
      'Year',
    ]);
    await user.selectOptions(select, 'Book Title');
    await waitFor(() => expect(matchingRow('title').slice(2, 4)).toEqual(['mapped', 'Book Title']));
    // The server resolved the mapping: the page sent it with the dataset.
    expect(inspected.at(-1)).toMatchObject({ dataset: 'books', column_mapping: JSON.stringify({ title: 'Book Title' }) });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(start()).toBeEnabled();

    await user.click(screen.getByRole('radio', { name: 'Skip the row' }));
    await user.click(start());
    await screen.findByText(`at /imports/${JOB_ID}`);
    expect(sent).toEqual({
      dataset: 'books',
      on_conflict: 'skip',
      column_mapping: JSON.stringify({ title: 'Book Title' }),
      file: 'sent',
    });
    expect(auth).toBe('Bearer access-1');
  });

  it('a mapping that takes another column\'s header makes that column missing', async () => {
    answerInspect(booksConfig, { headers: ['Name', 'author', 'isbn'] });
    const user = setup();
    await user.upload(screen.getByLabelText('CSV file'), csv('b.csv', 'Name,author,isbn\nA,B,C\n'));
    await user.selectOptions(await screen.findByLabelText('Column for title'), 'author');
    await waitFor(() => expect(matchingRow('author')[2]).toBe('missing'));
    expect(screen.getByLabelText('Column for author')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(/author/);
    expect(start()).toBeDisabled();
  });

  it('shows a refusal from the server in an alert and stays on the page', async () => {
    server.use(
      http.post('/api/imports/', () =>
        HttpResponse.json(
          {
            error: {
              code: 'missing_columns',
              message: 'Required columns missing: isbn.',
              fields: { file: ['Required columns missing: isbn.'] },
            },
          },
          { status: 400 },
        ),
      ),
    );
    answerInspect(booksConfig, { headers: ['title', 'author', 'isbn'] });
    const user = setup();
    await user.upload(screen.getByLabelText('CSV file'), csv('ok.csv', 'title,author,isbn\nA,B,C\n'));
    await screen.findByRole('table', { name: 'Column matching' });
    await user.click(start());
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Required columns missing: isbn.');
    expect(screen.queryByTestId('location')).toBeNull();
    expect(start()).toBeEnabled();
  });

  it('shows the upload progress bar while the file is sent', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.use(
      http.post('/api/imports/', async () => {
        await held;
        return HttpResponse.json(jobFixture(), { status: 201 });
      }),
    );
    answerInspect(booksConfig, { headers: ['title', 'author', 'isbn'] });
    const user = setup();
    await user.upload(screen.getByLabelText('CSV file'), csv('ok.csv', 'title,author,isbn\nA,B,C\n'));
    await screen.findByRole('table', { name: 'Column matching' });
    await user.click(start());
    expect(await screen.findByRole('progressbar', { name: 'Upload progress' })).toBeInTheDocument();
    expect(start()).toBeDisabled();
    release();
    await screen.findByText(`at /imports/${JOB_ID}`);
  });

  it('stops an upload on request and lets the person start again', async () => {
    server.use(http.post('/api/imports/', () => new Promise<Response>(() => {})));
    answerInspect(booksConfig, { headers: ['title', 'author', 'isbn'] });
    const user = setup();
    await user.upload(screen.getByLabelText('CSV file'), csv('ok.csv', 'title,author,isbn\nA,B,C\n'));
    await screen.findByRole('table', { name: 'Column matching' });
    await user.click(start());
    await user.click(await screen.findByRole('button', { name: 'Stop upload' }));
    expect(screen.queryByRole('progressbar', { name: 'Upload progress' })).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(start()).toBeEnabled();
  });

  it('tells the person when the server cannot be reached during the upload', async () => {
    server.use(http.post('/api/imports/', () => HttpResponse.error()));
    answerInspect(booksConfig, { headers: ['title', 'author', 'isbn'] });
    const user = setup();
    await user.upload(screen.getByLabelText('CSV file'), csv('ok.csv', 'title,author,isbn\nA,B,C\n'));
    await screen.findByRole('table', { name: 'Column matching' });
    await user.click(start());
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('Cannot reach the server'));
  });

  describe('a partner feed', () => {
    const pickupFile = () =>
      csv('card-pickup.csv', 'ID ,Card ID,User Mobile,Timestamp\nP-1,C1001,585949014,13-11-2023 14:00\n');

    it('matches headers with stray spaces and aliases, and takes the dataset\'s conflict policy', async () => {
      answerInspect(feedsConfig, { headers: ['ID', 'Card ID', 'User Mobile', 'Timestamp'] });
      const user = setup(feedsConfig);
      await user.selectOptions(screen.getByLabelText('Dataset'), 'card_pickup');
      expect(screen.getByRole('list', { name: 'Columns of Card pickups' })).toHaveTextContent('user mobile');
      expect(screen.getByRole('radio', { name: 'Skip the row' })).toBeChecked();
      expect(screen.getByRole('radio', { name: 'Report an error' })).not.toBeChecked();
      expect(screen.queryByRole('radio', { name: 'Update the stored row' })).toBeNull();

      await user.upload(screen.getByLabelText('CSV file'), pickupFile());
      await screen.findByRole('table', { name: 'Column matching' });
      expect(matchingRow('partner_row_id').slice(2, 4)).toEqual(['matched by alias', 'ID']);
      expect(matchingRow('card_id').slice(2, 4)).toEqual(['matched by alias', 'Card ID']);
      expect(matchingRow('mobile').slice(2, 4)).toEqual(['matched by alias', 'User Mobile']);
      expect(matchingRow('event_at').slice(2, 4)).toEqual(['matched by alias', 'Timestamp']);
      expect(start()).toBeEnabled();

      // Back to books: its own policy and all three choices again.
      await user.selectOptions(screen.getByLabelText('Dataset'), 'books');
      expect(screen.getByRole('radio', { name: 'Report an error' })).toBeChecked();
      expect(screen.getByRole('radio', { name: 'Update the stored row' })).toBeInTheDocument();
      expect(screen.queryByLabelText('Time zone of the file')).toBeNull();
    });

    it('reads times in the dataset\'s zone unless another is chosen, and sends only a change', async () => {
      const sent = captureUpload();
      answerInspect(feedsConfig, { headers: ['ID', 'Card ID', 'User Mobile', 'Timestamp'] });
      const user = setup(feedsConfig);
      await user.selectOptions(screen.getByLabelText('Dataset'), 'card_pickup');
      const zone = screen.getByLabelText('Time zone of the file');
      expect(zone).toHaveValue('Asia/Dubai');
      expect(zone).toHaveAccessibleDescription(/read in this zone/);
      await user.upload(screen.getByLabelText('CSV file'), pickupFile());
      await screen.findByRole('table', { name: 'Column matching' });
      await user.click(start());
      await screen.findByText(`at /imports/${JOB_ID}`);
      expect(sent).toEqual([
        { dataset: 'card_pickup', on_conflict: 'skip', timezone: null, column_mapping: null },
      ]);
    });

    it('sends a zone the person chose', async () => {
      const sent = captureUpload();
      answerInspect(feedsConfig, { headers: ['ID', 'Card ID', 'User contact', 'Timestamp'] });
      const user = setup(feedsConfig);
      await user.selectOptions(screen.getByLabelText('Dataset'), 'card_returned');
      await user.selectOptions(screen.getByLabelText('Time zone of the file'), 'Europe/Berlin');
      await user.upload(screen.getByLabelText('CSV file'), csv('r.csv', 'ID,Card ID,User contact,Timestamp\nR-1,C1,0585949014,14-11-2023 12:00'));
      await screen.findByRole('table', { name: 'Column matching' });
      await user.click(start());
      await screen.findByText(`at /imports/${JOB_ID}`);
      expect(sent[0]).toMatchObject({ dataset: 'card_returned', timezone: 'Europe/Berlin', on_conflict: 'skip' });
    });
  });

  it('reads a workbook through the server, offers its sheets, and sends the chosen one', async () => {
    const sent = captureUpload();
    const inspected = answerInspect(booksConfig, (form) =>
      form.get('sheet') === 'Books 2024'
        ? { format: 'xlsx', headers: ['title', 'author', 'isbn'], sheets: ['Notes', 'Books 2024'] }
        : { format: 'xlsx', headers: ['note'], sheets: ['Notes', 'Books 2024'] },
    );
    const user = setup();
    const workbook = new File(['PK'], 'books.xlsx', {
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    await user.upload(screen.getByLabelText('CSV file'), workbook);
    await screen.findByRole('table', { name: 'Column matching' });
    expect(screen.getByText(/Excel workbook, sheet “Notes”/)).toBeInTheDocument();
    expect(start()).toBeDisabled();
    await user.selectOptions(screen.getByLabelText('Sheet'), 'Books 2024');
    await waitFor(() => expect(start()).toBeEnabled());
    expect(inspected.at(-1)).toMatchObject({ sheet: 'Books 2024', partial: 'false' });
    await user.click(start());
    await screen.findByText(`at /imports/${JOB_ID}`);
    expect(sent[0]).toMatchObject({ dataset: 'books' });
  });

  it('shows the first rows as the server read them', async () => {
    answerInspect(booksConfig, {
      headers: ['title', 'author', 'isbn'],
      rows: [{ row_number: 2, fields: ['Dune', 'Frank Herbert', '9780441172719'], error: '' }],
    });
    const user = setup();
    await user.upload(screen.getByLabelText('CSV file'), csv('ok.csv', 'title,author,isbn\nDune,Frank Herbert,9780441172719\n'));
    const preview = await screen.findByRole('table', { name: 'First rows' });
    expect(within(preview).getByText('Dune')).toBeInTheDocument();
  });

  it('shows the server\'s refusal of an unreadable file', async () => {
    server.use(
      http.post('/api/imports/inspect/', () =>
        HttpResponse.json(
          { error: { code: 'decode_error', message: 'The header is not valid utf-8.', fields: { encoding: ['The header is not valid utf-8.'] } } },
          { status: 400 },
        ),
      ),
    );
    const user = setup();
    await user.upload(screen.getByLabelText('CSV file'), csv('bad.csv', 'x\n'));
    expect(await screen.findByRole('alert')).toHaveTextContent('The header is not valid utf-8.');
    expect(start()).toBeDisabled();
  });
});
