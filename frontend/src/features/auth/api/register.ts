import { apiFetch } from '@/lib/api-client';
import { sessionStore } from '@/lib/session-store';
import type { RegisterInput, Registered } from '@/types/api';

/** POST /api/auth/register/: create the account and its workspace, then keep the session. */
export async function register(input: RegisterInput): Promise<Registered> {
  const registered = await apiFetch<Registered>('/api/auth/register/', {
    method: 'POST',
    body: input,
    auth: false,
  });
  sessionStore.set({ access: registered.access, refresh: registered.refresh });
  return registered;
}
