import { createContext, useContext, useSyncExternalStore } from 'react';

/** How the page stays current: the live stream is open, being opened, or it polls. */
export type LiveStatus = 'connecting' | 'live' | 'polling';

/** What the status hook reads: the page's one live connection (see live-connection.ts). */
export type LiveStatusSource = {
  subscribe: (listener: () => void) => () => void;
  getStatus: () => LiveStatus;
};

export const LiveContext = createContext<LiveStatusSource | null>(null);

const noConnection = () => () => {};
const polling = () => 'polling' as const;

/** 'live' while the stream is open; 'polling' otherwise (and where no provider is mounted). */
export function useLiveStatus(): LiveStatus {
  const connection = useContext(LiveContext);
  return useSyncExternalStore(connection?.subscribe ?? noConnection, connection?.getStatus ?? polling, polling);
}
