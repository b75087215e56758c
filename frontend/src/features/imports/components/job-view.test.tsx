import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { sessionStore } from '@/lib/session-store';
import { JOB_ID, jobFixture } from '@/testing/fixtures';
import { renderWithApp } from '@/testing/render';
import { server } from '@/testing/server';
import type { ImportJobDetail, RowError, RowErrorSummary } from '@/types/api';

import { JobView } from './job-view';

const JOB_URL = `/api/imports/${JOB_ID}/`;
const ERRORS_URL = `/api/imports/${JOB_ID}/errors/`;

function renderJob(pollMs = 20) {
  sessionStore.set({ access: 'access-1', refresh: 'refresh-1' });
  return renderWithApp(<JobView id={JOB_ID} pollMs={pollMs} />);
}

function serveJob(job: ImportJobDetail) {
  let calls = 0;
  server.use(
    http.get(JOB_URL, () => {
      calls += 1;
      return HttpResponse.json(job);
    }),
  );
  return () => calls;
}

const counter = (name: string) => screen.getByTestId(`count-${name}`).textContent;

const rowErrors: RowError[] = [
  {
    row_number: 4,
    raw_data: 'Lost,,9780306406157,1999',
    values: { title: 'Lost', author: '', isbn: '9780306406157', publication_year: '1999' },
    errors: { author: ['is required'] },
    resolved_at: null,
  },
  {
    row_number: 7,
    raw_data: 'X,Y,123,3000',
    values: { title: 'X', author: 'Y', isbn: '123', publication_year: '3000' },
    errors: { isbn: ["'123' is not an ISBN: it has 3 digits, not 10 or 13"], publication_year: ['must be between 1 and 2027, got 3000'] },
    resolved_at: null,
  },
  {
    row_number: 9,
    raw_data: 'a,b,c,d,extra',
    values: { title: 'a', author: 'b', isbn: 'c', publication_year: 'd' },
    errors: { __all__: ['expected 4 fields, got 5'] },
    resolved_at: null,
  },
];

const SUMMARY_URL = `/api/imports/${JOB_ID}/errors/summary/`;
const summaryBody: RowErrorSummary = {
  columns: ['title', 'author', 'isbn', 'publication_year'],
  open: 3,
  resolved: 0,
  groups: [
    { column: 'author', message: 'is required', count: 1 },
    { column: 'isbn', message: '… is not an ISBN: it has 3 digits, not 10 or 13', count: 1 },
    { column: 'publication_year', message: 'must be between 1 and 2027, got …', count: 1 },
    { column: '__all__', message: 'expected 4 fields, got …', count: 1 },
  ],
};

function serveSummary(body: RowErrorSummary = summaryBody) {
  server.use(http.get(SUMMARY_URL, () => HttpResponse.json(body)));
}

const page = (results: RowError[], count = results.length) => ({ count, next: null, previous: null, results });

describe('JobView', () => {
  it('pending: the status, an empty bar, no total yet, zero counters and a cancel button', async () => {
    serveJob(jobFixture({ status: 'pending' }));
    renderJob();
    expect(await screen.findByRole('heading', { level: 1, name: 'books.csv' })).toBeInTheDocument();
    expect(screen.getByTestId('job-status')).toHaveTextContent(/^pending$/);
    expect(screen.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute('aria-valuenow', '0');
    expect(counter('total')).toBe('—');
    for (const name of ['processed', 'created', 'updated', 'unchanged', 'skipped', 'failed']) expect(counter(name)).toBe('0');
    expect(screen.getByRole('button', { name: 'Cancel import' })).toBeEnabled();
    expect(screen.queryByRole('button', { name: 'Download errors.csv' })).toBeNull();
  });

  it('processing: progress, speed, time left and counters with thousands separators', async () => {
    serveJob(
      jobFixture({
        status: 'processing',
        total_rows: 25000,
        processed_rows: 10000,
        created_rows: 9000,
        updated_rows: 400,
        unchanged_rows: 100,
        skipped_rows: 250,
        failed_rows: 250,
        stored_errors: 0,
        progress_percent: 40,
        rows_per_second: 5000,
        eta_seconds: 3,
        started_at: '2026-11-24T08:00:01Z',
      }),
    );
    server.use(http.get(ERRORS_URL, () => HttpResponse.json({ count: 0, next: null, previous: null, results: [] })));
    serveSummary({ ...summaryBody, open: 0, groups: [] });
    renderJob();
    await waitFor(() => expect(screen.getByTestId('job-status')).toHaveTextContent(/^processing$/));
    expect(screen.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute('aria-valuenow', '40');
    expect(counter('total')).toBe('25,000');
    expect(counter('processed')).toBe('10,000');
    expect(counter('created')).toBe('9,000');
    expect(counter('updated')).toBe('400');
    expect(counter('unchanged')).toBe('100');
    expect(counter('skipped')).toBe('250');
    expect(counter('failed')).toBe('250');
    expect(screen.getByText('5,000 rows/s')).toBeInTheDocument();
    expect(screen.getByText('Time left')).toBeInTheDocument();
    expect(screen.getByText('3 s')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel import' })).toBeInTheDocument();
  });

  it('completed with errors: an amber outcome, the summary, the rejected rows as a grid and errors.csv', async () => {
    serveJob(
      jobFixture({
        status: 'completed',
        outcome: 'completed_with_errors',
        total_rows: 10,
        processed_rows: 10,
        created_rows: 7,
        failed_rows: 3,
        stored_errors: 3,
        progress_percent: 100,
        rows_per_second: 100,
        duration_seconds: 75,
        finished_at: '2026-11-24T08:01:16Z',
      }),
    );
    serveSummary();
    server.use(http.get(ERRORS_URL, () => HttpResponse.json(page(rowErrors))));
    renderJob();
    const table = await screen.findByRole('table', { name: 'Rejected rows' });
    expect(screen.getByTestId('job-status')).toHaveTextContent(/^completed$/);
    const outcome = screen.getByTestId('job-outcome');
    expect(outcome).toHaveTextContent(/^completed with errors$/);
    expect(outcome).toHaveClass('badge-warning');
    expect(outcome).not.toHaveClass('badge-success');
    expect(screen.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute('aria-valuenow', '100');
    expect(counter('created')).toBe('7');
    expect(counter('failed')).toBe('3');
    expect(screen.getByText('Duration')).toBeInTheDocument();
    expect(screen.getByText('1 min 15 s')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel import' })).toBeNull();
    expect(screen.queryByText('Time left')).toBeNull();

    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['Row', 'title', 'author', 'isbn', 'publication_year']);
    const isbnCell = screen.getByRole('textbox', { name: 'Row 7, isbn' });
    expect(isbnCell).toHaveValue('123');
    expect(isbnCell).toHaveAttribute('aria-invalid', 'true');
    expect(isbnCell).toHaveAccessibleDescription("'123' is not an ISBN: it has 3 digits, not 10 or 13");
    expect(isbnCell.closest('td')).toHaveClass('cell-invalid');
    const title = screen.getByRole('textbox', { name: 'Row 7, title' });
    expect(title).not.toHaveAttribute('aria-invalid');
    expect(title.closest('td')).not.toHaveClass('cell-invalid');
    // A message about the whole row sits under its number and describes each of its cells.
    expect(screen.getByRole('textbox', { name: 'Row 9, isbn' })).toHaveAccessibleDescription('whole row: expected 4 fields, got 5');
    expect(screen.getByRole('button', { name: 'Download errors.csv' })).toBeEnabled();
    const groups = screen.getByRole('list', { name: 'Rejected rows by error' });
    expect(within(groups).getAllByRole('button').map((b) => b.textContent)).toEqual([
      '1 × author: is required',
      '1 × isbn: … is not an ISBN: it has 3 digits, not 10 or 13',
      '1 × publication_year: must be between 1 and 2027, got …',
      '1 × whole row: expected 4 fields, got …',
    ]);
  });

  it('all rows failed: red, never green, and said in words', async () => {
    serveJob(
      jobFixture({ status: 'completed', outcome: 'all_failed', total_rows: 3, processed_rows: 3, failed_rows: 3, stored_errors: 3, progress_percent: 100 }),
    );
    serveSummary();
    server.use(http.get(ERRORS_URL, () => HttpResponse.json(page(rowErrors))));
    renderJob();
    await screen.findByRole('table', { name: 'Rejected rows' });
    expect(screen.getByTestId('job-status')).toHaveTextContent(/^completed$/);
    expect(screen.getByTestId('job-outcome')).toHaveTextContent('completed · all rows failed');
    expect(screen.getByTestId('job-outcome')).toHaveClass('badge-danger');
    expect(screen.getByText('Every row was rejected')).toBeInTheDocument();
  });

  it('filters the grid by a group, by the column and message selects, and clears the filters', async () => {
    serveJob(jobFixture({ status: 'completed', outcome: 'completed_with_errors', failed_rows: 3, stored_errors: 3, progress_percent: 100 }));
    serveSummary();
    const asked: string[] = [];
    server.use(
      http.get(ERRORS_URL, ({ request }) => {
        const params = new URL(request.url).searchParams;
        asked.push(`${params.get('column') ?? ''}|${params.get('message') ?? ''}`);
        const column = params.get('column');
        return HttpResponse.json(page(column ? rowErrors.filter((row) => column in row.errors) : rowErrors));
      }),
    );
    const user = userEvent.setup();
    renderJob();
    await screen.findByRole('textbox', { name: 'Row 4, author' });
    await user.click(screen.getByRole('button', { name: '1 × isbn: … is not an ISBN: it has 3 digits, not 10 or 13' }));
    await waitFor(() => expect(screen.queryByRole('textbox', { name: 'Row 4, author' })).toBeNull());
    expect(screen.getByRole('textbox', { name: 'Row 7, isbn' })).toBeInTheDocument();
    expect(asked).toContain('isbn|… is not an ISBN: it has 3 digits, not 10 or 13');
    expect(screen.getByRole('combobox', { name: 'Column' })).toHaveValue('isbn');
    expect(screen.getByRole('combobox', { name: 'Message' })).toHaveValue('… is not an ISBN: it has 3 digits, not 10 or 13');

    await user.selectOptions(screen.getByRole('combobox', { name: 'Column' }), 'author');
    await screen.findByRole('textbox', { name: 'Row 4, author' });
    expect(asked.at(-1)).toBe('author|');
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await screen.findByRole('textbox', { name: 'Row 9, title' });
    expect(asked.at(-1)).toBe('|');
  });

  it('edits a bad cell, resubmits only the changed cells, and shows the new counters and the rows still failing', async () => {
    let job = jobFixture({
      status: 'completed',
      outcome: 'completed_with_errors',
      processed_rows: 10,
      created_rows: 7,
      failed_rows: 3,
      stored_errors: 3,
      progress_percent: 100,
    });
    let open = rowErrors;
    let summary = summaryBody;
    let sent: unknown = null;
    server.use(
      http.get(JOB_URL, () => HttpResponse.json(job)),
      http.get(SUMMARY_URL, () => HttpResponse.json(summary)),
      http.get(ERRORS_URL, () => HttpResponse.json(page(open))),
      http.post(`${ERRORS_URL}resubmit/`, async ({ request }) => {
        sent = await request.json();
        job = { ...job, created_rows: 8, failed_rows: 2, stored_errors: 2 };
        const still: RowError = { ...rowErrors[1]!, values: { ...rowErrors[1]!.values, isbn: '1234' }, errors: { isbn: ["'1234' is not an ISBN"] } };
        open = [still, rowErrors[2]!];
        summary = { ...summaryBody, open: 2, resolved: 1 };
        return HttpResponse.json({ job, resolved: [4], still_failing: [still] });
      }),
    );
    const user = userEvent.setup();
    renderJob(1000);
    const author = await screen.findByRole('textbox', { name: 'Row 4, author' });
    const resubmit = screen.getByRole('button', { name: 'Resubmit fixed rows' });
    expect(resubmit).toBeDisabled();
    await user.type(author, 'Ann');
    expect(author.closest('td')).toHaveClass('cell-edited');
    const isbn = screen.getByRole('textbox', { name: 'Row 7, isbn' });
    await user.clear(isbn);
    await user.type(isbn, '1234');
    await user.click(screen.getByRole('button', { name: 'Resubmit fixed rows (2)' }));

    expect(await screen.findByText('1 row loaded; 1 still rejected, with new messages.')).toBeInTheDocument();
    expect(sent).toEqual({
      rows: [
        { row_number: 4, values: { author: 'Ann' } },
        { row_number: 7, values: { isbn: '1234' } },
      ],
    });
    await waitFor(() => expect(counter('created')).toBe('8'));
    expect(counter('failed')).toBe('2');
    await waitFor(() => expect(screen.queryByRole('textbox', { name: 'Row 4, author' })).toBeNull());
    expect(screen.getByRole('textbox', { name: 'Row 7, isbn' })).toHaveAccessibleDescription("'1234' is not an ISBN");
    expect(screen.getByRole('textbox', { name: 'Row 7, isbn' })).toHaveValue('1234');
    expect(screen.getByTestId('resolved-rows')).toHaveTextContent('1 row was fixed and loaded since');
    expect(screen.getByRole('button', { name: 'Resubmit fixed rows' })).toBeDisabled();
  }, 15_000);

  it('uploads a corrected errors file to the same endpoint', async () => {
    const job = jobFixture({ status: 'completed', outcome: 'completed_with_errors', failed_rows: 1, stored_errors: 1, progress_percent: 100 });
    serveJob(job);
    serveSummary();
    let uploaded: string | null = null;
    server.use(
      http.get(ERRORS_URL, () => HttpResponse.json(page(rowErrors.slice(0, 1)))),
      http.post(`${ERRORS_URL}resubmit/`, async ({ request }) => {
        // jsdom's FormData does not carry the file's bytes to MSW: the field and the encoding are checked.
        const type = request.headers.get('Content-Type') ?? '';
        uploaded = `${type.split(';')[0]} ${(await request.formData()).has('file')}`;
        return HttpResponse.json({ job: { ...job, failed_rows: 0, created_rows: 1, outcome: 'completed' }, resolved: [4], still_failing: [] });
      }),
    );
    const user = userEvent.setup();
    renderJob(1000);
    await screen.findByRole('textbox', { name: 'Row 4, author' });
    const file = new File(['title,author,isbn,publication_year,row_number,errors\r\n'], 'errors.csv', { type: 'text/csv' });
    await user.upload(screen.getByLabelText('Upload a corrected errors file'), file);
    expect(await screen.findByText('1 row loaded.')).toBeInTheDocument();
    expect(uploaded).toBe('multipart/form-data true');
    await waitFor(() => expect(screen.getByTestId('job-outcome')).toHaveTextContent(/^completed$/));
  });

  it('a refused resubmission says why and keeps the edits', async () => {
    serveJob(jobFixture({ status: 'completed', outcome: 'completed_with_errors', failed_rows: 1, stored_errors: 1, progress_percent: 100 }));
    serveSummary();
    server.use(
      http.get(ERRORS_URL, () => HttpResponse.json(page(rowErrors.slice(0, 1)))),
      http.post(`${ERRORS_URL}resubmit/`, () =>
        HttpResponse.json(
          { error: { code: 'job_reverted', message: 'The job was reverted; import the file again instead.', fields: {} } },
          { status: 409 },
        ),
      ),
    );
    const user = userEvent.setup();
    renderJob(1000);
    await user.type(await screen.findByRole('textbox', { name: 'Row 4, author' }), 'Ann');
    await user.click(screen.getByRole('button', { name: 'Resubmit fixed rows (1)' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The job was reverted');
    expect(screen.getByRole('textbox', { name: 'Row 4, author' })).toHaveValue('Ann');
  });

  it('a dry run or a reverted import shows the rejected rows read-only', async () => {
    serveJob(jobFixture({ status: 'completed', dry_run: true, outcome: 'completed_with_errors', failed_rows: 1, stored_errors: 1, progress_percent: 100 }));
    serveSummary();
    server.use(http.get(ERRORS_URL, () => HttpResponse.json(page(rowErrors.slice(0, 1)))));
    renderJob(1000);
    const table = await screen.findByRole('table', { name: 'Rejected rows' });
    expect(within(table).queryByRole('textbox')).toBeNull();
    expect(within(table).getByText('Lost')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Resubmit fixed rows/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Revert import' })).toBeNull();
    // A dry run loaded nothing, so it does not say "the others were loaded".
    expect(screen.queryByText('Completed with errors')).toBeNull();
  });

  it('pages through the rejected rows, and jumps to a page', async () => {
    serveJob(jobFixture({ status: 'completed', outcome: 'completed_with_errors', failed_rows: 120, stored_errors: 120, progress_percent: 100 }));
    serveSummary({ ...summaryBody, open: 120 });
    const pages: (string | null)[] = [];
    server.use(
      http.get(ERRORS_URL, ({ request }) => {
        const page = new URL(request.url).searchParams.get('page');
        pages.push(page);
        const n = Number(page ?? '1');
        return HttpResponse.json({
          count: 120,
          next: n < 3 ? `http://testserver${ERRORS_URL}?page=${n + 1}` : null,
          previous: n > 1 ? `http://testserver${ERRORS_URL}?page=${n - 1}` : null,
          results: [
            {
              row_number: 1000 + n,
              raw_data: `row of page ${n}`,
              values: { title: `page ${n}`, author: '', isbn: '', publication_year: '' },
              errors: { isbn: ['bad'] },
              resolved_at: null,
            },
          ],
        });
      }),
    );
    const scrolled: unknown[] = [];
    const original = Element.prototype.scrollIntoView;
    Element.prototype.scrollIntoView = vi.fn(function (this: Element, options?: unknown) {
      scrolled.push([this.className, options]);
    });
    const user = userEvent.setup();
    renderJob();
    await screen.findByText('1001');
    expect(screen.getByRole('button', { name: 'Previous page' })).toBeDisabled();
    expect(scrolled).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('1002');
    // A new page starts at the top of the rejected rows, not where the last one was left.
    expect(scrolled).toEqual([['stack-sm', { block: 'start' }]]);
    expect(screen.queryByText('1001')).toBeNull();
    expect(pages).toContain('2');
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    await screen.findByText('1001');

    const jump = screen.getByRole('spinbutton', { name: 'Go to page' });
    await user.type(jump, '9');
    await user.click(screen.getByRole('button', { name: 'Go' }));
    expect(screen.getByRole('alert')).toHaveTextContent('A page from 1 to 3.');
    await user.clear(jump);
    await user.type(jump, '3');
    await user.click(screen.getByRole('button', { name: 'Go' }));
    await screen.findByText('1003');
    expect(pages).toContain('3');
    Element.prototype.scrollIntoView = original;
  }, 15_000);

  it('reverts a finished import after a confirmation that says what will happen, then shows the rows kept', async () => {
    let job = jobFixture({
      status: 'completed',
      outcome: 'completed',
      processed_rows: 1500,
      created_rows: 1200,
      updated_rows: 300,
      progress_percent: 100,
    });
    let reverts = 0;
    server.use(
      http.get(JOB_URL, () => HttpResponse.json(job)),
      http.post(`${JOB_URL}revert/`, () => {
        reverts += 1;
        job = {
          ...job,
          outcome: 'reverted',
          reverted_at: '2026-11-27T12:00:00Z',
          reverted_deleted_rows: 1199,
          reverted_restored_rows: 299,
          reverted_kept_rows: 2,
        };
        return HttpResponse.json({
          job,
          changed_since: 2,
          changed: [
            { key: { isbn: '9780306406157' }, changed_by: 'b0000000-0000-4000-8000-000000000000' },
            { key: { isbn: '9780306406164' }, changed_by: null },
          ],
        });
      }),
    );
    const user = userEvent.setup();
    renderJob(1000);
    await user.click(await screen.findByRole('button', { name: 'Revert import' }));
    const dialog = screen.getByRole('dialog', { name: 'Revert this import?' });
    expect(within(dialog).getByTestId('revert-plan')).toHaveTextContent(
      '1,200 created rows will be deleted, 300 updated rows get their previous values back; rows changed since by another import are kept and listed.',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Keep the import' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(reverts).toBe(0);

    await user.click(screen.getByRole('button', { name: 'Revert import' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revert' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(reverts).toBe(1);
    expect(screen.getByTestId('job-outcome')).toHaveTextContent('completed · reverted');
    expect(screen.getByTestId('reverted-deleted')).toHaveTextContent('1,199');
    expect(screen.getByTestId('reverted-restored')).toHaveTextContent('299');
    expect(screen.getByTestId('reverted-kept')).toHaveTextContent('2');
    const kept = screen.getByRole('list', { name: 'Rows kept' });
    expect(within(kept).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'isbn 9780306406157 · changed by that import',
      'isbn 9780306406164',
    ]);
    expect(within(kept).getByRole('link', { name: 'that import' })).toHaveAttribute('href', '/imports/b0000000-0000-4000-8000-000000000000');
    expect(screen.queryByRole('button', { name: 'Revert import' })).toBeNull();
  });

  it('a refused revert is said in the dialog', async () => {
    serveJob(jobFixture({ status: 'completed', outcome: 'completed', created_rows: 2, progress_percent: 100 }));
    server.use(
      http.post(`${JOB_URL}revert/`, () =>
        HttpResponse.json({ error: { code: 'already_reverted', message: 'The job was reverted already.', fields: {} } }, { status: 409 }),
      ),
    );
    const user = userEvent.setup();
    renderJob(1000);
    await user.click(await screen.findByRole('button', { name: 'Revert import' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revert' }));
    expect(await within(screen.getByRole('dialog')).findByRole('alert')).toHaveTextContent('The job was reverted already.');
  });

  it('failed: the error message in an alert', async () => {
    serveJob(
      jobFixture({
        status: 'failed',
        error_message: 'The file is not valid UTF-8 at byte 1042.',
        failure_reason: 'decode_error',
      }),
    );
    renderJob();
    await waitFor(() => expect(screen.getByTestId('job-status')).toHaveTextContent(/^failed$/));
    expect(screen.getByRole('alert')).toHaveTextContent('The file is not valid UTF-8 at byte 1042.');
    expect(screen.queryByRole('button', { name: 'Cancel import' })).toBeNull();
  });

  it('cancelled: the status, no cancel button, the counters so far', async () => {
    serveJob(jobFixture({ status: 'cancelled', total_rows: 100, processed_rows: 30, created_rows: 30, progress_percent: 30 }));
    renderJob();
    await waitFor(() => expect(screen.getByTestId('job-status')).toHaveTextContent(/^cancelled$/));
    expect(counter('created')).toBe('30');
    expect(screen.getByText('The import was cancelled')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel import' })).toBeNull();
  });

  it('polls while the job runs and stops at a final status', async () => {
    let calls = 0;
    server.use(
      http.get(JOB_URL, () => {
        calls += 1;
        if (calls === 1) return HttpResponse.json(jobFixture({ status: 'pending' }));
        if (calls < 4) {
          return HttpResponse.json(
            jobFixture({ status: 'processing', total_rows: 4, processed_rows: calls - 1, progress_percent: (calls - 1) * 25 }),
          );
        }
        return HttpResponse.json(
          jobFixture({ status: 'completed', total_rows: 4, processed_rows: 4, created_rows: 4, progress_percent: 100 }),
        );
      }),
    );
    renderJob(20);
    await waitFor(() => expect(screen.getByTestId('job-status')).toHaveTextContent(/^completed$/), { timeout: 3000 });
    expect(calls).toBe(4);
    expect(counter('created')).toBe('4');
    // Ten more intervals: a final job is not asked again.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls).toBe(4);
  });

  it('polls about once a second by default', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const calls = serveJob(jobFixture({ status: 'processing', total_rows: 10, processed_rows: 1, progress_percent: 10 }));
      renderWithApp(<JobView id={JOB_ID} />);
      await waitFor(() => expect(calls()).toBe(1));
      await vi.advanceTimersByTimeAsync(1050);
      await waitFor(() => expect(calls()).toBe(2));
      await vi.advanceTimersByTimeAsync(1000);
      await waitFor(() => expect(calls()).toBe(3));
    } finally {
      vi.useRealTimers();
    }
  });

  it('cancels a running job', async () => {
    let cancelled = false;
    server.use(
      http.get(JOB_URL, () => HttpResponse.json(jobFixture({ status: cancelled ? 'cancelled' : 'processing' }))),
      http.post(`${JOB_URL}cancel/`, () => {
        cancelled = true;
        return HttpResponse.json(jobFixture({ status: 'cancelled' }));
      }),
    );
    const user = userEvent.setup();
    renderJob(1000);
    await user.click(await screen.findByRole('button', { name: 'Cancel import' }));
    await waitFor(() => expect(screen.getByTestId('job-status')).toHaveTextContent(/^cancelled$/));
    expect(cancelled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Cancel import' })).toBeNull();
  });

  it('downloads errors.csv with the session token under import-<id>-errors.csv', async () => {
    serveJob(jobFixture({ status: 'completed', failed_rows: 1, stored_errors: 1, progress_percent: 100 }));
    let auth: string | null = null;
    server.use(
      http.get(ERRORS_URL, () => HttpResponse.json(page(rowErrors.slice(0, 1)))),
      http.get(SUMMARY_URL, () => HttpResponse.json(summaryBody)),
      http.get(`/api/imports/${JOB_ID}/errors.csv`, ({ request }) => {
        auth = request.headers.get('Authorization');
        return new HttpResponse('title,author,isbn,row_number,errors\n', { headers: { 'Content-Type': 'text/csv' } });
      }),
    );
    const created: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:errors';
    });
    URL.revokeObjectURL = vi.fn();
    const clicked: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.getAttribute('href') ?? '', download: this.download });
    });
    const user = userEvent.setup();
    renderJob();
    await user.click(await screen.findByRole('button', { name: 'Download errors.csv' }));
    await waitFor(() => expect(clicked).toEqual([{ href: 'blob:errors', download: `import-${JOB_ID}-errors.csv` }]));
    expect(auth).toBe('Bearer access-1');
    expect(await created[0]?.text()).toBe('title,author,isbn,row_number,errors\n');
  });

  it('an unknown id says Import not found', async () => {
    server.use(
      http.get(JOB_URL, () => HttpResponse.json({ error: { code: 'not_found', message: 'Not found.', fields: {} } }, { status: 404 })),
    );
    renderJob();
    expect(await screen.findByText('Import not found')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to History' })).toHaveAttribute('href', '/imports');
  });

  it('a server error says Something went wrong', async () => {
    server.use(http.get(JOB_URL, () => new HttpResponse('oops', { status: 500 })));
    renderJob();
    expect(await screen.findByRole('alert')).toHaveTextContent('Something went wrong');
  });

  it('a network failure says Cannot reach the server', async () => {
    server.use(http.get(JOB_URL, () => HttpResponse.error()));
    renderJob();
    expect(await screen.findByRole('alert')).toHaveTextContent('Cannot reach the server');
  });

  it('sanitizing: the file is being checked before the import', async () => {
    serveJob(jobFixture({ status: 'sanitizing' }));
    renderJob();
    expect(await screen.findByRole('heading', { name: 'Checking the file' })).toBeInTheDocument();
    expect(screen.getByTestId('job-status')).toHaveTextContent(/^sanitizing$/);
    expect(screen.getByRole('button', { name: 'Cancel import' })).toBeEnabled();
  });

  it('completed: what cleaning changed, and the cleaned file to download', async () => {
    serveJob(
      jobFixture({
        status: 'completed',
        final_size: 1900,
        cleaned_url: `/api/imports/${JOB_ID}/cleaned.csv`,
        sanitize_report: {
          source_encoding: 'cp1252',
          bom_removed: false,
          nul_removed: 2,
          control_characters_removed: 0,
          line_endings_normalised: 40,
          header_names_trimmed: 1,
          lines_cut: 0,
          undecodable_bytes: 0,
          bytes_read: 2048,
          bytes_written: 1900,
        },
      }),
    );
    let downloaded = false;
    server.use(
      http.get(`/api/imports/${JOB_ID}/cleaned.csv`, () => {
        downloaded = true;
        return new HttpResponse('row_number,title\r\n', { headers: { 'Content-Type': 'text/csv' } });
      }),
    );
    const createObjectURL = vi.fn(() => 'blob:cleaned');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const user = userEvent.setup();
    renderJob();
    const changes = await screen.findByRole('list', { name: 'What cleaning changed' });
    expect(changes).toHaveTextContent('2 NUL characters removed');
    expect(changes).toHaveTextContent('40 line endings turned into LF');
    expect(changes).toHaveTextContent('1 header names trimmed');
    expect(screen.getByText(/Read as cp1252/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Download cleaned.csv' }));
    await waitFor(() => expect(downloaded).toBe(true));
  });

  it('files removed: says when, and offers no download', async () => {
    serveJob(
      jobFixture({
        status: 'completed',
        failed_rows: 3,
        stored_errors: 3,
        files_removed_at: '2026-12-27T08:00:00Z',
        files_removed_reason: 'retention',
        cleaned_url: null,
        errors_csv_url: null,
      }),
    );
    renderJob();
    expect(await screen.findByText(/removed by the retention policy/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Download cleaned.csv' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Download errors.csv' })).toBeNull();
    expect(screen.getByText(/their details were removed with the files/)).toBeInTheDocument();
  });
});
