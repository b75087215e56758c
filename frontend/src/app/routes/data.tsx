import { BooksTable } from '@/features/books/components/books-table';

import { useTitle } from './use-title';

export function DataRoute() {
  useTitle('Books');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Books</h1>
          <p className="muted">The books stored in this workspace.</p>
        </div>
      </header>
      <BooksTable />
    </div>
  );
}
