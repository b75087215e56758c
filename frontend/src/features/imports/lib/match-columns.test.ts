import { describe, expect, it } from 'vitest';

import { booksConfig, feedsConfig } from '@/testing/fixtures';

import { matchColumns } from './match-columns';

const columns = booksConfig.datasets[0]!.columns;

function statusOf(result: ReturnType<typeof matchColumns>, column: string) {
  const match = result.columns.find((c) => c.column === column);
  return match ? [match.status, match.header] : null;
}

describe('matchColumns', () => {
  it('matches exact names case-insensitively and trimmed, keeping the header as written', () => {
    const result = matchColumns(columns, ['TITLE', ' Author ', 'Isbn', 'publication_year']);
    expect(statusOf(result, 'title')).toEqual(['matched', 'TITLE']);
    expect(statusOf(result, 'author')).toEqual(['matched', ' Author ']);
    expect(statusOf(result, 'isbn')).toEqual(['matched', 'Isbn']);
    expect(result.missing).toEqual([]);
    expect(result.ignored).toEqual([]);
  });

  it('matches aliases when the exact name is absent', () => {
    const result = matchColumns(columns, ['title', 'Authors', 'ISBN13', 'year']);
    expect(statusOf(result, 'author')).toEqual(['matched by alias', 'Authors']);
    expect(statusOf(result, 'isbn')).toEqual(['matched by alias', 'ISBN13']);
    expect(statusOf(result, 'publication_year')).toEqual(['matched by alias', 'year']);
    expect(result.missing).toEqual([]);
  });

  it('lets an exact name win over an alias, whatever the order of the headers', () => {
    const result = matchColumns(columns, ['authors', 'title', 'author', 'isbn']);
    expect(statusOf(result, 'author')).toEqual(['matched', 'author']);
    expect(result.ignored).toEqual(['authors']);
  });

  it('takes the first alias that is present, in the order the dataset lists them', () => {
    const result = matchColumns(columns, ['title', 'author', 'isbn10', 'isbn_13']);
    expect(statusOf(result, 'isbn')).toEqual(['matched by alias', 'isbn_13']);
  });

  it('reports missing required columns but not missing optional ones', () => {
    const result = matchColumns(columns, ['Book Title', 'Author', 'ISBN']);
    expect(result.missing).toEqual(['title']);
    expect(statusOf(result, 'title')).toEqual(['missing', null]);
    expect(statusOf(result, 'publication_year')).toEqual(['missing', null]);
    expect(result.ignored).toEqual(['Book Title']);
  });

  it('uses the mapping first, and a mapped header is no longer free for other columns', () => {
    const mapped = matchColumns(columns, ['Book Title', 'Author', 'ISBN'], { title: 'book title' });
    expect(statusOf(mapped, 'title')).toEqual(['mapped', 'Book Title']);
    expect(mapped.missing).toEqual([]);

    const stolen = matchColumns(columns, ['Book Title', 'Author', 'ISBN'], { title: 'Author' });
    expect(statusOf(stolen, 'title')).toEqual(['mapped', 'Author']);
    expect(stolen.missing).toEqual(['author']);
  });

  it('ignores a mapping to a header the file does not have', () => {
    const result = matchColumns(columns, ['Book Title', 'Author', 'ISBN'], { title: 'Name' });
    expect(result.missing).toEqual(['title']);
  });

  it('reads a duplicated header once', () => {
    const result = matchColumns(columns, ['title', 'author', 'isbn', 'Title']);
    expect(statusOf(result, 'title')).toEqual(['matched', 'title']);
    expect(result.ignored).toEqual(['Title']);
  });

  it('reads a partner feed the way the server does: stray spaces, any case, aliases with spaces', () => {
    const pickup = feedsConfig.datasets.find((d) => d.name === 'card_pickup')!.columns;
    const result = matchColumns(pickup, ['ID ', 'Card ID ', 'User Mobile', ' TIMESTAMP']);
    expect(statusOf(result, 'partner_row_id')).toEqual(['matched by alias', 'ID ']);
    expect(statusOf(result, 'card_id')).toEqual(['matched by alias', 'Card ID ']);
    expect(statusOf(result, 'mobile')).toEqual(['matched by alias', 'User Mobile']);
    expect(statusOf(result, 'event_at')).toEqual(['matched by alias', ' TIMESTAMP']);
    expect(result.missing).toEqual([]);
    expect(result.ignored).toEqual([]);
  });

  it('prefers a column named exactly over one reached by an alias', () => {
    const exceptions = feedsConfig.datasets.find((d) => d.name === 'card_delivery_exception')!.columns;
    const result = matchColumns(exceptions, ['Card ID', 'card_id', 'User contact', 'Timestamp', 'Comment']);
    expect(statusOf(result, 'card_id')).toEqual(['matched', 'card_id']);
    expect(statusOf(result, 'reason')).toEqual(['matched by alias', 'Comment']);
    expect(result.ignored).toEqual(['Card ID']);
  });

  it('folds case like the server, so STRASSE and Straße are one name', () => {
    const result = matchColumns([{ name: 'straße', required: true, aliases: [] }], ['STRASSE']);
    expect(result.missing).toEqual([]);
  });
});
