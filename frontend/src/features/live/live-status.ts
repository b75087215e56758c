import { createContext, useContext, useSyncExternalStore } from 'react';

import type { LiveConnection, LiveStatus } from './live-connection';

export const LiveContext = createContext<LiveConnection | null>(null);

const noConnection = () => () => {};
const polling = () => 'polling' as const;

/** 'live' while the stream is open; 'polling' otherwise (and where no provider is mounted). */
export function useLiveStatus(): LiveStatus {
  const connection = useContext(LiveContext);
  return useSyncExternalStore(connection?.subscribe ?? noConnection, connection?.getStatus ?? polling, polling);
}
