import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { sessionStore } from '@/lib/session-store';
import { JOB_ID, jobFixture } from '@/testing/fixtures';
import { renderWithApp } from '@/testing/render';
import { server } from '@/testing/server';
import type { ImportJobDetail, RowError } from '@/types/api';

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
  { row_number: 4, raw_data: 'Lost,,9780306406157', errors: { author: ['This field is required.'] }, resolved_at: null },
  {
    row_number: 7,
    raw_data: 'X,Y,123,3000',
    errors: { isbn: ['Not a valid ISBN.'], publication_year: ['Must be at most 2027.'] },
    resolved_at: null,
  },
  { row_number: 9, raw_data: 'a,b,c,d,extra', errors: { __all__: ['expected 4 fields, got 5'] }, resolved_at: null },
];

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

  it('processing: progress, speed, time left and plain integer counters', async () => {
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
    renderJob();
    await waitFor(() => expect(screen.getByTestId('job-status')).toHaveTextContent(/^processing$/));
    expect(screen.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute('aria-valuenow', '40');
    expect(counter('total')).toBe('25000');
    expect(counter('processed')).toBe('10000');
    expect(counter('created')).toBe('9000');
    expect(counter('updated')).toBe('400');
    expect(counter('unchanged')).toBe('100');
    expect(counter('skipped')).toBe('250');
    expect(counter('failed')).toBe('250');
    expect(screen.getByText('5,000 rows/s')).toBeInTheDocument();
    expect(screen.getByText('Time left')).toBeInTheDocument();
    expect(screen.getByText('3 s')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel import' })).toBeInTheDocument();
  });

  it('completed with errors: summary, duration, the rejected rows and errors.csv', async () => {
    serveJob(
      jobFixture({
        status: 'completed',
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
    server.use(http.get(ERRORS_URL, () => HttpResponse.json({ count: 3, next: null, previous: null, results: rowErrors })));
    renderJob();
    const table = await screen.findByRole('table', { name: 'Rejected rows' });
    expect(screen.getByTestId('job-status')).toHaveTextContent(/^completed$/);
    expect(screen.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute('aria-valuenow', '100');
    expect(counter('created')).toBe('7');
    expect(counter('failed')).toBe('3');
    expect(screen.getByText('Duration')).toBeInTheDocument();
    expect(screen.getByText('1 min 15 s')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel import' })).toBeNull();
    expect(screen.queryByText('Time left')).toBeNull();

    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['Row', 'Column', 'Message', 'Raw row']);
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => within(row).getAllByRole('cell').map((c) => c.textContent));
    expect(rows).toEqual([
      ['4', 'author', 'This field is required.', 'Lost,,9780306406157'],
      ['7', 'isbn', 'Not a valid ISBN.', 'X,Y,123,3000'],
      ['7', 'publication_year', 'Must be at most 2027.', 'X,Y,123,3000'],
      ['9', '(whole row)', 'expected 4 fields, got 5', 'a,b,c,d,extra'],
    ]);
    expect(screen.getByRole('button', { name: 'Download errors.csv' })).toBeEnabled();
  });

  it('pages through the rejected rows', async () => {
    serveJob(jobFixture({ status: 'completed', failed_rows: 120, stored_errors: 120, progress_percent: 100 }));
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
          results: [{ row_number: 1000 + n, raw_data: `row of page ${n}`, errors: { isbn: ['bad'] } }],
        });
      }),
    );
    const user = userEvent.setup();
    renderJob();
    await screen.findByText('1001');
    expect(screen.getByRole('button', { name: 'Previous page' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('1002');
    expect(screen.queryByText('1001')).toBeNull();
    expect(pages).toContain('2');
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    await screen.findByText('1001');
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
      http.get(ERRORS_URL, () => HttpResponse.json({ count: 1, next: null, previous: null, results: rowErrors.slice(0, 1) })),
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
