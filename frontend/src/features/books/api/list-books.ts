import useSWR from 'swr';

import { apiFetch } from '@/lib/api-client';
import type { Book, Page } from '@/types/api';

export type BookFilters = { search?: string; page?: number };

export function booksKey(filters: BookFilters): string {
  const params = new URLSearchParams();
  const search = filters.search?.trim();
  if (search) params.set('search', search);
  if (filters.page && filters.page > 1) params.set('page', String(filters.page));
  const query = params.toString();
  return `/api/books/${query ? `?${query}` : ''}`;
}

/** GET /api/books/: the workspace's books, searchable. */
export function listBooks(filters: BookFilters): Promise<Page<Book>> {
  return apiFetch<Page<Book>>(booksKey(filters));
}

export function useBooks(filters: BookFilters) {
  return useSWR<Page<Book>>(booksKey(filters), () => listBooks(filters), { keepPreviousData: true });
}
