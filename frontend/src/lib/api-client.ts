/**
 * The one way the page talks to the API: same origin, JSON in and out, the session's bearer
 * token, one silent refresh on a 401 (shared by concurrent calls), then sign-out.
 * Failures become typed errors: ApiError (the server answered) or NetworkError (it did not).
 */
import { sessionStore } from '@/lib/session-store';

export const API_BASE_URL = '';

export type ErrorFields = Record<string, string[]>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: ErrorFields;
  /**
   * The session's token was refused even after a refresh, and the page signed out. Other 401s
   * (wrong credentials at sign-in, an invalid API key) are refusals, not an ended session.
   */
  readonly sessionEnded: boolean;

  constructor(
    status: number,
    code: string,
    message: string,
    fields: ErrorFields = {},
    options: { sessionEnded?: boolean } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.sessionEnded = options.sessionEnded ?? false;
  }
}

export class NetworkError extends Error {
  constructor(message = 'Cannot reach the server. Check your connection and try again.') {
    super(message);
    this.name = 'NetworkError';
  }
}

const STATUS_MESSAGES: Record<number, string> = {
  400: 'The request was refused.',
  401: 'Your session has ended. Sign in again.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  413: 'The file is too large for the server.',
  429: 'Too many requests. Wait a moment and try again.',
};

function asFields(value: unknown): ErrorFields {
  if (!value || typeof value !== 'object') return {};
  const fields: ErrorFields = {};
  for (const [name, messages] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(messages)) fields[name] = messages.map(String);
    else if (typeof messages === 'string') fields[name] = [messages];
  }
  return fields;
}

/** Turn an error response (status and body text) into an ApiError, whatever its shape. */
export function apiErrorFrom(status: number, bodyText: string, options: { sessionEnded?: boolean } = {}): ApiError {
  let body: unknown;
  try {
    body = bodyText ? JSON.parse(bodyText) : null;
  } catch {
    body = null;
  }
  const error =
    body && typeof body === 'object' && 'error' in body ? (body as { error: unknown }).error : null;
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown; fields?: unknown };
    return new ApiError(
      status,
      typeof e.code === 'string' ? e.code : `http_${status}`,
      typeof e.message === 'string' && e.message ? e.message : defaultMessage(status),
      asFields(e.fields),
      options,
    );
  }
  return new ApiError(status, `http_${status}`, defaultMessage(status), {}, options);
}

function defaultMessage(status: number): string {
  if (status >= 500) return `Something went wrong on the server (HTTP ${status}). Try again in a moment.`;
  return STATUS_MESSAGES[status] ?? `The request failed (HTTP ${status}).`;
}

let refreshing: Promise<boolean> | null = null;

/**
 * Trade the refresh token for a new pair. Concurrent callers share one request, because the
 * server rotates refresh tokens and a second use of the old one would be refused.
 */
export function refreshSession(): Promise<boolean> {
  if (refreshing) return refreshing;
  const tokens = sessionStore.get();
  if (!tokens) return Promise.resolve(false);
  refreshing = (async () => {
    try {
      const response = await fetch(`${API_BASE_URL}/api/auth/refresh/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ refresh: tokens.refresh }),
      });
      if (!response.ok) {
        // A refresh token is good for one use: another tab may have spent it first and stored
        // the new pair. Take that pair instead of signing every tab out.
        sessionStore.reload();
        const now = sessionStore.get();
        return now !== null && now.refresh !== tokens.refresh;
      }
      const body = (await response.json()) as { access?: string; refresh?: string };
      if (!body.access) return false;
      // Another tab or a sign-out may have replaced the session meanwhile.
      if (sessionStore.get()?.refresh !== tokens.refresh) return sessionStore.get() !== null;
      sessionStore.set({ access: body.access, refresh: body.refresh ?? tokens.refresh });
      return true;
    } catch {
      throw new NetworkError();
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export function signOutLocally(): void {
  sessionStore.clear();
}

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A plain object is sent as JSON; FormData as multipart. */
  body?: unknown;
  /** Send the session's token (default true). */
  auth?: boolean;
  /** How to read a successful body (default json). */
  responseType?: 'json' | 'blob' | 'text';
  signal?: AbortSignal;
};

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const token = options.auth === false ? null : sessionStore.get()?.access;
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch(`${API_BASE_URL}${path}`, {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new NetworkError();
  }
}

/** Call the API; resolve with the parsed body or reject with ApiError / NetworkError. */
export async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let response = await send(path, options);
  if (response.status === 401 && options.auth !== false) {
    if (sessionStore.get() && (await refreshSession())) {
      response = await send(path, options);
    }
    if (response.status === 401) {
      const error = apiErrorFrom(401, await response.text().catch(() => ''), { sessionEnded: true });
      signOutLocally();
      throw error;
    }
  }
  if (!response.ok) {
    throw apiErrorFrom(response.status, await response.text().catch(() => ''));
  }
  if (response.status === 204) return undefined as T;
  switch (options.responseType ?? 'json') {
    case 'blob':
      return (await response.blob()) as T;
    case 'text':
      return (await response.text()) as T;
    default: {
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    }
  }
}

/** The SWR fetcher: the key is the API path. */
export function swrFetcher<T>(path: string): Promise<T> {
  return apiFetch<T>(path);
}
