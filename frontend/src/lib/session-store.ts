/**
 * The signed-in session: the JWT pair, kept in localStorage so a reload stays signed in.
 * Components subscribe with useSyncExternalStore (see features/auth/components/use-session.ts).
 */

const ACCESS_KEY = 'intake.access';
const REFRESH_KEY = 'intake.refresh';

export type Tokens = { access: string; refresh: string };

type Listener = () => void;
const listeners = new Set<Listener>();

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Storage may be unavailable (private mode); the session then lasts for this page only.
  }
}

let cached: Tokens | null = load();

function load(): Tokens | null {
  const access = read(ACCESS_KEY);
  const refresh = read(REFRESH_KEY);
  return access && refresh ? { access, refresh } : null;
}

function emit(): void {
  for (const listener of listeners) listener();
}

export const sessionStore = {
  get(): Tokens | null {
    return cached;
  },
  set(tokens: Tokens): void {
    write(ACCESS_KEY, tokens.access);
    write(REFRESH_KEY, tokens.refresh);
    cached = { ...tokens };
    emit();
  },
  clear(): void {
    write(ACCESS_KEY, null);
    write(REFRESH_KEY, null);
    if (cached !== null) {
      cached = null;
      emit();
    }
  },
  /** Read localStorage again (another tab may have signed in or out). */
  reload(): void {
    const next = load();
    if (next?.access !== cached?.access || next?.refresh !== cached?.refresh) {
      cached = next;
      emit();
    }
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key === null || event.key === ACCESS_KEY || event.key === REFRESH_KEY) sessionStore.reload();
  });
}
