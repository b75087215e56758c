import { type ReactNode, useEffect, useState } from 'react';
import { useSWRConfig } from 'swr';

import { importKey } from '@/features/imports/api/get-import';
import { isFinalStatus } from '@/types/api';

import { type LiveJob, LiveConnection } from '@/lib/live/live-connection';
import { LiveContext } from '@/lib/live/live-status';

// A card feed commits many batches a second; an open card is looked up again at most this often.
const CARD_REFRESH_MS = 250;

const isListKey = (key: unknown): key is string =>
  typeof key === 'string' && (key === '/api/imports/' || key.startsWith('/api/imports/?'));
const isCardKey = (key: unknown): key is string => typeof key === 'string' && key.startsWith('/api/cards/');
const isLiveKey = (key: unknown) =>
  typeof key === 'string' && (isListKey(key) || isCardKey(key) || /^\/api\/imports\/[^/?]+\/$/.test(key));

type ListPage = { results: { id: string; status: string }[] };

/**
 * Keeps one stream open for the signed-in page and writes each job it hears about straight into
 * the SWR cache: the job page and History redraw without asking the server; what the event does
 * not carry (rejected rows, a new job's row, a card's status) is fetched once.
 */
export function LiveUpdatesProvider({ children }: { children: ReactNode }) {
  const { mutate, cache } = useSWRConfig();
  // Only what is already shown is written to. Writing to a key whose first request is still on
  // its way would make SWR drop that answer (a mutation wins over an older request); and that
  // answer may be older than the event. Such a key is asked for again instead, once per 100 ms.
  const [shown] = useState(() => (key: unknown) => typeof key === 'string' && cache.get(key)?.data !== undefined);
  // Timers of this provider, cleared when it goes (SWR's cache goes with it).
  const [timers] = useState(() => new Set<number>());
  const [later] = useState(() => (fn: () => void, ms: number) => {
    const id = window.setTimeout(() => {
      timers.delete(id);
      fn();
    }, ms);
    timers.add(id);
  });
  const [refetchSoon] = useState(() => {
    const pending = new Set<string>();
    return (key: string) => {
      if (pending.has(key)) return;
      pending.add(key);
      later(() => {
        pending.delete(key);
        void mutate(key);
      }, 100);
    };
  });
  const [refreshCards] = useState(() => trailingThrottle(() => void mutate(isCardKey), CARD_REFRESH_MS, later));
  const [connection] = useState(
    () =>
      new LiveConnection({
        onJob: (job: LiveJob) => {
          const { published_at: _ignored, ...fields } = job as LiveJob & { published_at?: number };
          if (shown(importKey(job.id))) {
            void mutate(
              importKey(job.id),
              (current: Record<string, unknown> | undefined) => {
                if (!current) return current;
                const changed = current.stored_errors !== fields.stored_errors || current.status !== fields.status;
                // What the event does not carry (the rejected rows' preview) is read once at the end.
                if (changed && isFinalStatus(fields.status)) later(() => void mutate(importKey(job.id)), 0);
                return { ...current, ...fields };
              },
              { revalidate: false },
            );
          } else {
            refetchSoon(importKey(job.id));
          }
          for (const key of cache.keys()) if (isListKey(key) && !shown(key)) refetchSoon(key);
          let missing = false;
          void mutate(
            (key) => isListKey(key) && shown(key),
            (page: ListPage | undefined) => {
              if (!page) return page;
              if (!page.results.some((row) => row.id === job.id)) {
                missing = true;
                return page;
              }
              return { ...page, results: page.results.map((row) => (row.id === job.id ? { ...row, ...fields } : row)) };
            },
            { revalidate: false },
          ).then(() => {
            if (missing) void mutate(isListKey);
          });
          if (job.dataset.startsWith('card_')) refreshCards();
        },
        onOpen: () => void mutate(isLiveKey),
      }),
  );

  useEffect(() => {
    connection.start();
    return () => {
      connection.stop();
      for (const id of timers) window.clearTimeout(id);
      timers.clear();
    };
  }, [connection, timers]);

  return <LiveContext.Provider value={connection}>{children}</LiveContext.Provider>;
}

function trailingThrottle(fn: () => void, ms: number, later: (fn: () => void, ms: number) => void): () => void {
  let last = 0;
  let waiting = false;
  return () => {
    const wait = last + ms - Date.now();
    if (wait <= 0) {
      last = Date.now();
      fn();
    } else if (!waiting) {
      waiting = true;
      later(() => {
        waiting = false;
        last = Date.now();
        fn();
      }, wait);
    }
  };
}
