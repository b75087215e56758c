/**
 * The page's one live stream (Server-Sent Events of the workspace's jobs) and its fallback.
 *
 * While the stream is open the job page, History and Cards stop polling; when it drops, or the
 * server has no Redis, they poll again at once, and the connection keeps trying to come back
 * (with a growing delay) and stops the polling again when it does.
 */
import { ApiError } from '@/lib/api-client';
import type { ImportJob } from '@/types/api';

import { createLiveTicket } from './create-ticket';
import type { LiveStatus, LiveStatusSource } from './live-status';

/** The job as the stream sends it: the API's job fields that move while it runs. */
export type LiveJob = Pick<
  ImportJob,
  | 'id'
  | 'dataset'
  | 'filename'
  | 'status'
  | 'total_rows'
  | 'processed_rows'
  | 'created_rows'
  | 'updated_rows'
  | 'unchanged_rows'
  | 'skipped_rows'
  | 'failed_rows'
  | 'success_rows'
  | 'stored_errors'
  | 'error_message'
  | 'failure_reason'
  | 'started_at'
  | 'finished_at'
  | 'progress_percent'
  | 'rows_per_second'
  | 'eta_seconds'
  | 'duration_seconds'
>;

type Options = {
  onJob: (job: LiveJob) => void;
  /** The stream (re)opened: whatever happened while it was closed was missed. */
  onOpen: () => void;
  EventSourceImpl?: typeof EventSource;
  /** A silent stream this long is taken for dead (the server pings every 15 s). */
  silenceMs?: number;
};

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;
// A server configured without live updates keeps them off until it is restarted with Redis:
// ask again now and then, not often (each refusal is a line in its log).
const OFF_RETRY_MS = 10 * 60_000;

export class LiveConnection implements LiveStatusSource {
  private status: LiveStatus = 'connecting';
  private listeners = new Set<() => void>();
  private source: EventSource | null = null;
  private retryTimer: number | undefined;
  private silenceTimer: number | undefined;
  private retryMs = FIRST_RETRY_MS;
  private stopped = false;
  private readonly options: Required<Pick<Options, 'silenceMs'>> & Options;

  constructor(options: Options) {
    this.options = { silenceMs: 40_000, ...options };
  }

  getStatus = (): LiveStatus => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    window.clearTimeout(this.silenceTimer);
    this.source?.close();
    this.source = null;
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.status) return;
    this.status = status;
    for (const listener of this.listeners) listener();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const Impl = this.options.EventSourceImpl ?? (typeof EventSource === 'undefined' ? undefined : EventSource);
    if (!Impl) {
      this.setStatus('polling');
      return;
    }
    let url: string;
    try {
      url = (await createLiveTicket()).url;
    } catch (error) {
      this.fallBack(error instanceof ApiError && error.code === 'live_off' ? OFF_RETRY_MS : undefined);
      return;
    }
    if (this.stopped) return;
    const source = new Impl(url);
    this.source = source;
    source.addEventListener('ready', () => {
      this.retryMs = FIRST_RETRY_MS;
      this.heard();
      this.setStatus('live');
      this.options.onOpen();
    });
    source.addEventListener('ping', () => this.heard());
    // The server ends each stream after a while (a new ticket proves the session still holds):
    // open the next one at once, and keep the page live meanwhile.
    source.addEventListener('reconnect', () => {
      if (this.source !== source) return;
      source.close();
      this.source = null;
      window.clearTimeout(this.silenceTimer);
      void this.connect();
    });
    source.addEventListener('job', (event) => {
      this.heard();
      try {
        const message = JSON.parse((event as MessageEvent<string>).data) as { job?: LiveJob };
        if (message.job) this.options.onJob(message.job);
      } catch {
        // A message this page does not understand is not worth dropping the stream for.
      }
    });
    source.onerror = () => {
      // EventSource would retry with the same, now used, ticket: close it and start over.
      if (this.source === source) this.fallBack();
    };
  }

  private heard(): void {
    window.clearTimeout(this.silenceTimer);
    this.silenceTimer = window.setTimeout(() => this.fallBack(), this.options.silenceMs);
  }

  private fallBack(delayMs?: number): void {
    this.source?.close();
    this.source = null;
    window.clearTimeout(this.silenceTimer);
    this.setStatus('polling');
    if (this.stopped) return;
    const delay = delayMs ?? this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => void this.connect(), delay);
  }
}
