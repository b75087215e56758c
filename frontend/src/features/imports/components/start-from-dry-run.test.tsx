import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { sessionStore } from '@/lib/session-store';
import { JOB_ID, jobFixture } from '@/testing/fixtures';
import { renderWithApp } from '@/testing/render';
import { server } from '@/testing/server';
import type { ImportJobDetail } from '@/types/api';

import { StartFromDryRun } from './start-from-dry-run';

const STARTED = '0b5e7f52-1111-4000-8000-000000000002';

function setup(job: ImportJobDetail) {
  sessionStore.set({ access: 'access-1', refresh: 'refresh-1' });
  renderWithApp(<StartFromDryRun job={job} />, { route: '/imports/x', path: '/imports/x' });
  return userEvent.setup();
}

const dryRun = (overrides: Partial<ImportJobDetail> = {}) =>
  jobFixture({ dry_run: true, status: 'completed', created_rows: 1200, updated_rows: 3, skipped_rows: 0, failed_rows: 7, ...overrides });

describe('StartFromDryRun', () => {
  it('says nothing on a real import', () => {
    setup(jobFixture({ status: 'completed' }));
    expect(screen.queryByRole('button', { name: 'Start the import' })).toBeNull();
  });

  it('gives the would-be counts and starts the import from the dry run', async () => {
    const started: string[] = [];
    server.use(
      http.post('/api/imports/:id/start/', ({ params }) => {
        started.push(String(params.id));
        return HttpResponse.json(jobFixture({ id: STARTED, dry_run_of: JOB_ID }), { status: 201 });
      }),
    );
    const user = setup(dryRun());
    expect(screen.getByText(/would create 1,200, update 3, skip 0 and reject 7 rows/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Start the import' }));
    await screen.findByText(`at /imports/${STARTED}`);
    expect(started).toEqual([JOB_ID]);
  });

  it('shows the refusal when the dry run cannot be started', async () => {
    server.use(
      http.post('/api/imports/:id/start/', () =>
        HttpResponse.json(
          { error: { code: 'file_missing', message: "The dry run's file is no longer stored; upload it again.", fields: {} } },
          { status: 409 },
        ),
      ),
    );
    const user = setup(dryRun());
    await user.click(screen.getByRole('button', { name: 'Start the import' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('no longer stored');
    expect(screen.getByRole('button', { name: 'Start the import' })).toBeEnabled();
  });

  it('links to the import already started, and waits while the dry run runs', () => {
    setup(dryRun({ started_job: STARTED }));
    expect(screen.getByRole('link', { name: 'Open the import started from it' })).toHaveAttribute('href', `/imports/${STARTED}`);
    expect(screen.queryByRole('button', { name: 'Start the import' })).toBeNull();
  });
});
