import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { Me } from '@/types/api';

export const ME_KEY = '/api/auth/me/';

export function getMe(): Promise<Me> {
  return apiFetch<Me>(ME_KEY);
}

export function useMe() {
  return useSWR<Me>(ME_KEY, getMe);
}
