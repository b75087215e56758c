import { act, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { useCardStatus } from '@/features/cards/api/get-card-status';
import { HistoryTable } from '@/features/imports/components/history-table';
import { JobView } from '@/features/imports/components/job-view';
import { sessionStore } from '@/lib/session-store';
import { JOB_ID, jobFixture } from '@/testing/fixtures';
import { renderWithApp } from '@/testing/render';
import { server } from '@/testing/server';

import { LiveUpdatesProvider } from './live-updates-provider';

/** Stands in for the browser's EventSource: the test says when it opens, sends or breaks. */
class FakeEventSource {
  static instances: FakeEventSource[] = [];
  readonly url: string;
  onerror: (() => void) | null = null;
  closed = false;
  private handlers = new Map<string, ((event: MessageEvent<string>) => void)[]>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }

  addEventListener(name: string, handler: (event: MessageEvent<string>) => void) {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
  }

  close() {
    this.closed = true;
  }

  emit(name: string, data: unknown) {
    for (const handler of this.handlers.get(name) ?? []) handler({ data: JSON.stringify(data) } as MessageEvent<string>);
  }

  fail() {
    this.onerror?.();
  }
}

const latest = () => FakeEventSource.instances[FakeEventSource.instances.length - 1] as FakeEventSource;
const counter = (name: string) => screen.getByTestId(`count-${name}`).textContent;

describe('live updates', () => {
  beforeEach(() => {
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('updates the job from the stream without polling, and polls while the stream is down', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    let polls = 0;
    let tickets = 0;
    const running = jobFixture({ status: 'processing', total_rows: 600, processed_rows: 0, progress_percent: 0 });
    let served = running;
    server.use(
      http.post('/api/live/ticket/', () => {
        tickets += 1;
        return HttpResponse.json({ ticket: `t${tickets}`, url: `/api/live/events/?ticket=t${tickets}`, expires_in: 60 }, { status: 201 });
      }),
      http.get(`/api/imports/${JOB_ID}/`, () => {
        polls += 1;
        return HttpResponse.json(served);
      }),
    );
    renderWithApp(
      <LiveUpdatesProvider>
        <JobView id={JOB_ID} pollMs={30} />
      </LiveUpdatesProvider>,
    );
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    expect(latest().url).toBe('/api/live/events/?ticket=t1');
    act(() => latest().emit('ready', {}));
    await waitFor(() => expect(screen.getByTestId('live-status')).toHaveAttribute('data-status', 'live'));
    const pollsWhenLive = polls;

    for (const processed of [200, 400]) {
      act(() =>
        latest().emit('job', {
          type: 'job',
          job: { ...running, processed_rows: processed, created_rows: processed, progress_percent: processed / 6, published_at: 1 },
        }),
      );
      await waitFor(() => expect(counter('processed')).toBe(String(processed)));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(polls).toBe(pollsWhenLive);

    // The stream breaks: the page polls at once, and a new stream is asked for.
    served = { ...running, processed_rows: 500, created_rows: 500, progress_percent: 83 };
    act(() => latest().fail());
    await waitFor(() => expect(screen.getByTestId('live-status')).toHaveAttribute('data-status', 'polling'));
    await waitFor(() => expect(counter('processed')).toBe('500'));
    expect(polls).toBeGreaterThan(pollsWhenLive);
    expect(FakeEventSource.instances[0]?.closed).toBe(true);
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(2), { timeout: 3000 });
    act(() => latest().emit('ready', {}));
    await waitFor(() => expect(screen.getByTestId('live-status')).toHaveAttribute('data-status', 'live'));
    act(() =>
      latest().emit('job', {
        type: 'job',
        job: { ...running, status: 'completed', processed_rows: 600, created_rows: 600, progress_percent: 100 },
      }),
    );
    await waitFor(() => expect(screen.getByTestId('job-status')).toHaveTextContent(/^completed$/));
  });

  it('an event that comes before the first answer about the job does not hold the page up', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    let answer: (() => void) | undefined;
    server.use(
      http.post('/api/live/ticket/', () =>
        HttpResponse.json({ ticket: 't', url: '/api/live/events/?ticket=t', expires_in: 60 }, { status: 201 }),
      ),
      http.get(`/api/imports/${JOB_ID}/`, async () => {
        await new Promise<void>((resolve) => {
          answer = resolve;
        });
        return HttpResponse.json(jobFixture({ status: 'processing', total_rows: 10, processed_rows: 4 }));
      }),
    );
    renderWithApp(
      <LiveUpdatesProvider>
        <JobView id={JOB_ID} pollMs={30} />
      </LiveUpdatesProvider>,
    );
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    act(() => latest().emit('ready', {}));
    await waitFor(() => expect(answer).toBeDefined());
    act(() => latest().emit('job', { type: 'job', job: jobFixture({ status: 'processing', processed_rows: 2 }) }));
    act(() => answer?.());
    await waitFor(() => expect(counter('processed')).toBe('4'));
  });

  it('an event newer than the first answer about the job is not lost', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    let requests = 0;
    let ended = false;
    let answerFirst: (() => void) | undefined;
    server.use(
      http.post('/api/live/ticket/', () =>
        HttpResponse.json({ ticket: 't', url: '/api/live/events/?ticket=t', expires_in: 60 }, { status: 201 }),
      ),
      http.get(`/api/imports/${JOB_ID}/`, async () => {
        requests += 1;
        // Answers to requests made before the job ended say it is running; the first one reaches
        // the page only after the event that says it ended.
        const stale = !ended;
        if (requests === 1) {
          await new Promise<void>((resolve) => {
            answerFirst = resolve;
          });
        }
        return HttpResponse.json(
          stale
            ? jobFixture({ status: 'processing', total_rows: 6, processed_rows: 0 })
            : jobFixture({ status: 'completed', total_rows: 6, processed_rows: 6, created_rows: 6 }),
        );
      }),
    );
    renderWithApp(
      <LiveUpdatesProvider>
        <JobView id={JOB_ID} pollMs={30} />
      </LiveUpdatesProvider>,
    );
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    act(() => latest().emit('ready', {}));
    await waitFor(() => expect(answerFirst).toBeDefined());
    await new Promise((resolve) => setTimeout(resolve, 100));
    ended = true;
    act(() =>
      latest().emit('job', {
        type: 'job',
        job: jobFixture({ status: 'completed', total_rows: 6, processed_rows: 6, created_rows: 6 }),
      }),
    );
    act(() => answerFirst?.());
    await waitFor(() => expect(screen.getByTestId('job-status')).toHaveTextContent(/^completed$/));
    expect(counter('processed')).toBe('6');
  });

  it('History updates a row in place and fetches the list again for a job it does not show', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    let lists = 0;
    let uploaded = false;
    server.use(
      http.post('/api/live/ticket/', () =>
        HttpResponse.json({ ticket: 't', url: '/api/live/events/?ticket=t', expires_in: 60 }, { status: 201 }),
      ),
      http.get('/api/imports/', () => {
        lists += 1;
        const jobs = [jobFixture({ status: 'processing', created_rows: 10 })];
        if (uploaded) jobs.unshift(jobFixture({ id: 'new-job', filename: 'new.csv', status: 'pending' }));
        return HttpResponse.json({ count: jobs.length, next: null, previous: null, results: jobs });
      }),
    );
    renderWithApp(
      <LiveUpdatesProvider>
        <HistoryTable />
      </LiveUpdatesProvider>,
    );
    await screen.findByRole('link', { name: 'books.csv' });
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    act(() => latest().emit('ready', {}));
    await waitFor(() => expect(screen.getByTestId('live-status')).toHaveAttribute('data-status', 'live'));
    const before = lists;
    act(() => latest().emit('job', { type: 'job', job: jobFixture({ status: 'completed', created_rows: 1234 }) }));
    expect(await screen.findByText('1,234')).toBeInTheDocument();
    expect(lists).toBe(before);
    uploaded = true;
    act(() => latest().emit('job', { type: 'job', job: jobFixture({ id: 'new-job', filename: 'new.csv' }) }));
    expect(await screen.findByRole('link', { name: 'new.csv' })).toBeInTheDocument();
    expect(lists).toBe(before + 1);
  });

  it('an open card is looked up again when a card feed commits a batch', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    let lookups = 0;
    server.use(
      http.post('/api/live/ticket/', () =>
        HttpResponse.json({ ticket: 't', url: '/api/live/events/?ticket=t', expires_in: 60 }, { status: 201 }),
      ),
      http.get('/api/cards/status/', () => {
        lookups += 1;
        return HttpResponse.json({ results: [] });
      }),
    );
    function Card() {
      const { data } = useCardStatus({ by: 'card_id', value: 'C-1' });
      return <p>{data ? `looked up ${lookups}` : 'loading'}</p>;
    }
    renderWithApp(
      <LiveUpdatesProvider>
        <Card />
      </LiveUpdatesProvider>,
    );
    await waitFor(() => expect(lookups).toBe(1));
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    act(() => latest().emit('ready', {}));
    await waitFor(() => expect(lookups).toBe(2)); // refreshed once when the stream opened
    act(() => latest().emit('job', { type: 'job', job: jobFixture({ dataset: 'books' }) }));
    act(() => latest().emit('job', { type: 'job', job: jobFixture({ dataset: 'card_pickup' }) }));
    await waitFor(() => expect(lookups).toBe(3));
  });

  it('a stream the server ends with reconnect is replaced without falling back to polling', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    let tickets = 0;
    let polls = 0;
    server.use(
      http.post('/api/live/ticket/', () => {
        tickets += 1;
        return HttpResponse.json({ ticket: `t${tickets}`, url: `/api/live/events/?ticket=t${tickets}`, expires_in: 60 }, { status: 201 });
      }),
      http.get(`/api/imports/${JOB_ID}/`, () => {
        polls += 1;
        return HttpResponse.json(jobFixture({ status: 'processing', total_rows: 10, processed_rows: 1 }));
      }),
    );
    renderWithApp(
      <LiveUpdatesProvider>
        <JobView id={JOB_ID} pollMs={30} />
      </LiveUpdatesProvider>,
    );
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    act(() => latest().emit('ready', {}));
    await waitFor(() => expect(screen.getByTestId('live-status')).toHaveAttribute('data-status', 'live'));
    const pollsBefore = polls;
    act(() => latest().emit('reconnect', {}));
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(2));
    expect(FakeEventSource.instances[0]?.closed).toBe(true);
    expect(latest().url).toBe('/api/live/events/?ticket=t2');
    expect(screen.getByTestId('live-status')).toHaveAttribute('data-status', 'live');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(polls).toBe(pollsBefore);
  });

  it('polls when the server has no live updates', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    let polls = 0;
    server.use(
      http.get(`/api/imports/${JOB_ID}/`, () => {
        polls += 1;
        return HttpResponse.json(jobFixture({ status: 'processing', total_rows: 10, processed_rows: 1 }));
      }),
    );
    renderWithApp(
      <LiveUpdatesProvider>
        <JobView id={JOB_ID} pollMs={30} />
      </LiveUpdatesProvider>,
    );
    await waitFor(() => expect(polls).toBeGreaterThan(3));
    expect(FakeEventSource.instances).toHaveLength(0);
    expect(screen.getByTestId('live-status')).toHaveAttribute('data-status', 'polling');
  });
});
