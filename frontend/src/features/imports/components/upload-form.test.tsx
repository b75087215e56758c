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

/** The Column matching row for a dataset column: its status and the header its select shows. */
function matchingRow(column: string): [string, string] {
  const table = screen.getByRole('table', { name: 'Column matching' });
  const row = within(table)
    .getAllByRole('row')
    .find((r) => within(r).queryAllByRole('cell')[0]?.querySelector('code')?.textContent === column);
  if (!row) throw new Error(`no row for ${column}`);
  const select = within(row).getByRole('combobox', { name: `Header for ${column}` }) as HTMLSelectElement;
  const status = row.querySelector('.match-status')?.textContent ?? '';
  return [status, select.selectedOptions[0]?.textContent ?? ''];
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
    expect(matchingRow('title')).toEqual(['matched', 'Title']);
    expect(matchingRow('author')).toEqual(['matched by alias', 'authors']);
    expect(matchingRow('isbn')).toEqual(['matched by alias', 'ISBN13']);
    expect(matchingRow('publication_year')).toEqual(['not in the file', 'Leave empty']);
    expect(screen.queryByRole('alert')).toBeNull();
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
    expect(screen.getByRole('button', { name: 'Dry run' })).toBeDisabled();
    expect(matchingRow('title')).toEqual(['missing', 'Leave empty']);
    expect(matchingRow('publication_year')).toEqual(['matched by alias', 'Year']);
    // Every column can be pointed at any header, the matched ones too.
    expect(screen.getByLabelText('Header for author')).toHaveValue('Author');

    const select = screen.getByLabelText('Header for title');
    expect(within(select).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Leave empty',
      'Book Title',
      'Author',
      'ISBN',
      'Year',
    ]);
    await user.selectOptions(select, 'Book Title');
    await waitFor(() => expect(matchingRow('title')).toEqual(['mapped', 'Book Title']));
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
    await user.selectOptions(await screen.findByLabelText('Header for title'), 'author');
    await waitFor(() => expect(matchingRow('author')[0]).toBe('missing'));
    expect(screen.getByLabelText('Header for author')).toHaveValue('');
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
      expect(matchingRow('partner_row_id')).toEqual(['matched by alias', 'ID']);
      expect(matchingRow('card_id')).toEqual(['matched by alias', 'Card ID']);
      expect(matchingRow('mobile')).toEqual(['matched by alias', 'User Mobile']);
      expect(matchingRow('event_at')).toEqual(['matched by alias', 'Timestamp']);
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
    // A workbook has no encoding or delimiter to choose.
    expect(screen.queryByLabelText('Encoding')).toBeNull();
    expect(start()).toBeDisabled();
    await user.selectOptions(screen.getByLabelText('Sheet'), 'Books 2024');
    await waitFor(() => expect(start()).toBeEnabled());
    expect(inspected.at(-1)).toMatchObject({ sheet: 'Books 2024', partial: 'false' });
    await user.click(start());
    await screen.findByText(`at /imports/${JOB_ID}`);
    expect(sent[0]).toMatchObject({ dataset: 'books' });
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

  describe('map, preview, decide', () => {
    const BOTH = 'Title,Authors,isbn,isbn13,Publication Yr,notes\nFirst,Ann,,9780306406157,1999,a\n';
    const bothHeaders = ['Title', 'Authors', 'isbn', 'isbn13', 'Publication Yr', 'notes'];

    it('marks a similarity suggestion, lists ignored headers, and sends kept suggestions with the choices', async () => {
      const sent = captureUpload();
      const inspected = answerInspect(booksConfig, { headers: bothHeaders, suggest: { publication_year: 'Publication Yr' } });
      const user = setup();
      await user.upload(screen.getByLabelText('CSV file'), csv('both.csv', BOTH));
      await screen.findByRole('table', { name: 'Column matching' });
      expect(matchingRow('isbn')).toEqual(['matched', 'isbn']);
      expect(matchingRow('publication_year')).toEqual(['suggested', 'Publication Yr']);
      expect(screen.getByText('(80 % alike)')).toBeInTheDocument();
      const ignored = screen.getByRole('list', { name: 'Ignored headers' });
      expect(within(ignored).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['isbn13', 'notes']);

      await user.selectOptions(screen.getByLabelText('Header for isbn'), 'isbn13');
      await waitFor(() => expect(matchingRow('isbn')).toEqual(['mapped', 'isbn13']));
      expect(inspected.at(-1)).toMatchObject({ column_mapping: JSON.stringify({ isbn: 'isbn13' }) });
      expect(within(screen.getByRole('list', { name: 'Ignored headers' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
        'isbn',
        'notes',
      ]);
      await waitFor(() => expect(start()).toBeEnabled());
      await user.click(start());
      await screen.findByText(`at /imports/${JOB_ID}`);
      expect(JSON.parse(String(sent[0]?.column_mapping))).toEqual({ isbn: 'isbn13', publication_year: 'Publication Yr' });
    });

    it('leaves a column empty on request', async () => {
      const inspected = answerInspect(booksConfig, { headers: bothHeaders, suggest: { publication_year: 'Publication Yr' } });
      const user = setup();
      await user.upload(screen.getByLabelText('CSV file'), csv('both.csv', BOTH));
      await user.selectOptions(await screen.findByLabelText('Header for publication_year'), '');
      await waitFor(() => expect(matchingRow('publication_year')).toEqual(['left empty', 'Leave empty']));
      expect(inspected.at(-1)).toMatchObject({ column_mapping: JSON.stringify({ publication_year: '' }) });
    });

    it('shows the encoding and delimiter with their confidence and reads the file again with another choice', async () => {
      const inspected = answerInspect(booksConfig, {
        headers: ['title', 'author', 'isbn'],
        delimiter: ';',
        encoding: { name: 'cp1252', source: 'detected', confidence: 0.87 },
      });
      const user = setup();
      await user.upload(screen.getByLabelText('CSV file'), csv('latin.csv', 'title;author;isbn\nA;B;C\n'));
      const encoding = await screen.findByLabelText('Encoding');
      expect(encoding).toHaveAccessibleDescription(/CP1252 · detected 87 %/);
      expect(screen.getByLabelText('Delimiter')).toHaveAccessibleDescription('semicolon · detected 100 %');
      await user.selectOptions(encoding, 'latin-1');
      await waitFor(() => expect(screen.getByLabelText('Encoding')).toHaveAccessibleDescription('LATIN-1 · as chosen'));
      expect(inspected.at(-1)).toMatchObject({ encoding: 'latin-1', delimiter: null });
      await user.selectOptions(screen.getByLabelText('Delimiter'), 'tab');
      await waitFor(() => expect(inspected.at(-1)).toMatchObject({ encoding: 'latin-1', delimiter: '\t' }));
    });

    it('shows the validated preview with the invalid cells marked and their messages', async () => {
      answerInspect(booksConfig, {
        headers: ['title', 'author', 'isbn'],
        preview: {
          invalid_rows: 2,
          rows: [
            {
              row_number: 2,
              valid: true,
              record_errors: [],
              cells: [
                { column: 'title', text: 'Dune', value: 'Dune', error: '' },
                { column: 'author', text: 'Frank Herbert', value: 'Frank Herbert', error: '' },
                { column: 'isbn', text: '0-441-17271-7', value: '9780441172719', error: '' },
                { column: 'publication_year', text: null, value: null, error: '' },
              ],
            },
            {
              row_number: 3,
              valid: false,
              record_errors: [],
              cells: [
                { column: 'title', text: 'Emma', value: null, error: '' },
                { column: 'author', text: 'Jane Austen', value: null, error: '' },
                { column: 'isbn', text: '9.78E+12', value: null, error: 'not a valid ISBN' },
                { column: 'publication_year', text: null, value: null, error: '' },
              ],
            },
            { row_number: 4, valid: false, record_errors: ['expected 3 fields, got 4'], cells: [] },
          ],
        },
      });
      const user = setup();
      await user.upload(screen.getByLabelText('CSV file'), csv('ok.csv', 'title,author,isbn\nDune,Frank Herbert,0-441-17271-7\n'));
      const grid = await screen.findByRole('table', { name: 'Preview of the first rows' });
      expect(screen.getByText('2 of the first 3 rows would be rejected.')).toBeInTheDocument();
      expect(within(grid).getByText('9780441172719')).toBeInTheDocument();
      const bad = within(grid).getByText('9.78E+12').closest('td');
      expect(bad).toHaveAttribute('aria-invalid', 'true');
      expect(bad).toHaveClass('cell-invalid');
      expect(bad).toHaveTextContent('Error in isbn: not a valid ISBN');
      const ragged = within(grid).getByText(/expected 3 fields, got 4/).closest('td');
      expect(ragged).toHaveAttribute('aria-invalid', 'true');
      expect(within(grid).getAllByRole('cell').filter((c) => c.getAttribute('aria-invalid'))).toHaveLength(2);
    });

    it('says when the preview waits for the required columns', async () => {
      answerInspect(booksConfig, { headers: ['name', 'year'] });
      const user = setup();
      await user.upload(screen.getByLabelText('CSV file'), csv('x.csv', 'name,year\nA,2000\n'));
      expect(await screen.findByText('The preview appears once every required column has a header.')).toBeInTheDocument();
    });

    it('sends a dry run, and leaves the mapping unsaved when asked', async () => {
      const forms: FormData[] = [];
      server.use(
        http.post('/api/imports/', async ({ request }) => {
          forms.push(await request.formData());
          return HttpResponse.json(jobFixture({ dry_run: true }), { status: 201 });
        }),
      );
      answerInspect(booksConfig, { headers: bothHeaders });
      const user = setup();
      await user.upload(screen.getByLabelText('CSV file'), csv('both.csv', BOTH));
      expect(screen.queryByLabelText('Remember this mapping')).toBeNull();
      await user.selectOptions(await screen.findByLabelText('Header for isbn'), 'isbn13');
      const remember = await screen.findByLabelText(/Remember this mapping/);
      expect(remember).toBeChecked();
      await user.click(remember);
      await waitFor(() => expect(screen.getByRole('button', { name: 'Dry run' })).toBeEnabled());
      await user.click(screen.getByRole('button', { name: 'Dry run' }));
      await screen.findByText(`at /imports/${JOB_ID}`);
      expect(forms[0]?.get('dry_run')).toBe('true');
      expect(forms[0]?.get('remember_mapping')).toBe('false');
      expect(forms[0]?.get('column_mapping')).toBe(JSON.stringify({ isbn: 'isbn13' }));
    });

    it('proposes the mapping saved for these headers, and drops it on request', async () => {
      const inspected = answerInspect(booksConfig, { headers: bothHeaders });
      const asked: unknown[] = [];
      server.use(
        http.post('/api/mappings/match/', async ({ request }) => {
          asked.push(await request.json());
          return HttpResponse.json({
            saved_mapping: {
              id: '7b0c5a1e-0000-4000-8000-000000000001',
              dataset: 'books',
              name: '',
              headers: bothHeaders,
              mapping: { title: 'Title', author: 'Authors', isbn: 'isbn13', publication_year: '' },
              created_at: '2026-11-20T10:00:00Z',
              updated_at: '2026-11-20T10:00:00Z',
              last_used_at: '2026-11-21T10:00:00Z',
            },
            column_mapping: { title: 'Title', author: 'Authors', isbn: 'isbn13', publication_year: '' },
          });
        }),
      );
      const user = setup();
      await user.upload(screen.getByLabelText('CSV file'), csv('both.csv', BOTH));
      await screen.findByText('Using your saved mapping for this partner');
      expect(asked[0]).toEqual({ dataset: 'books', headers: bothHeaders });
      await waitFor(() => expect(matchingRow('isbn')).toEqual(['mapped', 'isbn13']));
      expect(matchingRow('publication_year')).toEqual(['left empty', 'Leave empty']);

      await user.click(screen.getByRole('button', { name: "Don't use" }));
      await waitFor(() => expect(matchingRow('isbn')).toEqual(['matched', 'isbn']));
      expect(screen.queryByText('Using your saved mapping for this partner')).toBeNull();
      expect(inspected.at(-1)).toMatchObject({ column_mapping: null });
    });
  });
});
