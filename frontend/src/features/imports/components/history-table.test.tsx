import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { sessionStore } from '@/lib/session-store';
import { JOB_ID, jobFixture } from '@/testing/fixtures';
import { renderWithApp } from '@/testing/render';
import { server } from '@/testing/server';
import type { ImportJob } from '@/types/api';

import { HistoryTable } from './history-table';

function serveHistory(jobs: () => ImportJob[]) {
  server.use(
    http.get('/api/imports/', () => HttpResponse.json({ count: jobs().length, next: null, previous: null, results: jobs() })),
  );
}

describe('HistoryTable', () => {
  afterEach(() => vi.restoreAllMocks());

  it('deletes the files of a finished import after asking, and shows them as deleted', async () => {
    let job: ImportJob = jobFixture({ status: 'completed' });
    let deleted = false;
    serveHistory(() => [job]);
    server.use(
      http.delete(`/api/imports/${JOB_ID}/`, () => {
        deleted = true;
        job = { ...job, files_removed_at: '2026-11-27T10:00:00Z', files_removed_reason: 'deleted' };
        return HttpResponse.json(job);
      }),
    );
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true);
    sessionStore.set({ access: 'access-1', refresh: 'refresh-1' });
    const user = userEvent.setup();
    renderWithApp(<HistoryTable />);
    await user.click(await screen.findByRole('button', { name: 'Delete the files of books.csv' }));
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('the rows it loaded stay stored'));
    await waitFor(() => expect(deleted).toBe(true));
    const row = (await screen.findByText('deleted')).closest('tr');
    expect(row).not.toBeNull();
    expect(within(row as HTMLElement).queryByRole('button', { name: /Delete/ })).toBeNull();
  });

  it('offers no delete while an import runs, and nothing happens when the person says no', async () => {
    serveHistory(() => [
      jobFixture({ status: 'processing' }),
      jobFixture({ id: 'a0000000-0000-4000-8000-000000000000', filename: 'done.csv', status: 'failed' }),
    ]);
    vi.spyOn(window, 'confirm').mockReturnValue(false);
    let called = false;
    server.use(
      http.delete('/api/imports/:id/', () => {
        called = true;
        return HttpResponse.json({});
      }),
    );
    sessionStore.set({ access: 'access-1', refresh: 'refresh-1' });
    const user = userEvent.setup();
    renderWithApp(<HistoryTable />);
    expect(await screen.findByRole('button', { name: 'Delete the files of done.csv' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete the files of books.csv' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Delete the files of done.csv' }));
    expect(called).toBe(false);
  });
  it('says how each import went: with errors in amber, all rows failed in red, reverted, never green when rows failed', async () => {
    const id = (n: number) => `a000000${n}-0000-4000-8000-000000000000`;
    serveHistory(() => [
      jobFixture({ id: id(1), filename: 'clean.csv', status: 'completed', outcome: 'completed' }),
      jobFixture({ id: id(2), filename: 'some.csv', status: 'completed', outcome: 'completed_with_errors', failed_rows: 3 }),
      jobFixture({ id: id(3), filename: 'none.csv', status: 'completed', outcome: 'all_failed', failed_rows: 5 }),
      jobFixture({ id: id(4), filename: 'undone.csv', status: 'completed', outcome: 'reverted' }),
    ]);
    sessionStore.set({ access: 'access-1', refresh: 'refresh-1' });
    renderWithApp(<HistoryTable />);
    const badgeOf = async (name: string) => {
      const row = (await screen.findByRole('link', { name })).closest('tr') as HTMLElement;
      return within(row).getByTestId('job-outcome');
    };
    expect(await badgeOf('clean.csv')).toHaveTextContent(/^completed$/);
    expect(await badgeOf('clean.csv')).toHaveClass('badge-success');
    expect(await badgeOf('some.csv')).toHaveTextContent(/^completed with errors$/);
    expect(await badgeOf('some.csv')).toHaveClass('badge-warning');
    expect(await badgeOf('none.csv')).toHaveTextContent('completed · all rows failed');
    expect(await badgeOf('none.csv')).toHaveClass('badge-danger');
    expect(await badgeOf('undone.csv')).toHaveTextContent('completed · reverted');
    expect(await badgeOf('undone.csv')).not.toHaveClass('badge-success');
  });
});
