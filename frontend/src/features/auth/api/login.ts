import { apiFetch } from '@/lib/api-client';
import { sessionStore } from '@/lib/session-store';
import type { LoginInput, TokenPair } from '@/types/api';

/** POST /api/auth/login/: store the token pair on success. */
export async function login(input: LoginInput): Promise<TokenPair> {
  const tokens = await apiFetch<TokenPair>('/api/auth/login/', { method: 'POST', body: input, auth: false });
  sessionStore.set({ access: tokens.access, refresh: tokens.refresh });
  return tokens;
}
