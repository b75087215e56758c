import { useEffect, useState } from 'react';
import { Link } from 'react-router';

import { ErrorState } from '@/components/errors/error-state';
import { Pagination } from '@/components/ui/pagination';
import { Loading } from '@/components/ui/spinner';
import { EmptyRow, Table } from '@/components/ui/table';

import { useBooks } from '../api/list-books';

const PAGE_SIZE = 50;

export function BooksTable() {
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);

  useEffect(() => {
    const timer = window.setTimeout(() => {
      setSearch(query);
      setPage(1);
    }, 250);
    return () => window.clearTimeout(timer);
  }, [query]);

  const { data, error, mutate, isLoading, isValidating } = useBooks({ search, page });

  return (
    <div className="stack">
      <div className="toolbar">
        <div className="field field-inline field-grow">
          <label htmlFor="book-search">Search books</label>
          <input
            id="book-search"
            type="search"
            placeholder="Title, author or ISBN"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
        <span className="muted small" aria-live="polite">
          {data ? `${data.count} ${data.count === 1 ? 'book' : 'books'}${isValidating ? ' · updating…' : ''}` : null}
        </span>
      </div>
      {error ? <ErrorState error={error} onRetry={() => void mutate()} /> : null}
      {!data && isLoading ? <Loading label="Loading the books…" /> : null}
      {data ? (
        <>
          <Table caption="Books" hideCaption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Author</th>
                <th scope="col">ISBN</th>
                <th scope="col" className="num">
                  Year
                </th>
              </tr>
            </thead>
            <tbody>
              {data.results.length === 0 ? (
                <EmptyRow colSpan={4}>
                  {search ? `No books match “${search}”.` : 'No books yet. '}
                  {!search ? <Link to="/import">Import a file</Link> : null}
                </EmptyRow>
              ) : (
                data.results.map((book) => (
                  <tr key={book.id}>
                    <td>{book.title}</td>
                    <td>{book.author}</td>
                    <td>
                      <code>{book.isbn}</code>
                    </td>
                    <td className="num">{book.publication_year ?? '—'}</td>
                  </tr>
                ))
              )}
            </tbody>
          </Table>
          <Pagination label="Books pages" page={page} pageSize={PAGE_SIZE} data={data} onPage={setPage} />
        </>
      ) : null}
    </div>
  );
}
