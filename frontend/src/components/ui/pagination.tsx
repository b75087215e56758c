import { Button } from '@/components/ui/button';

export type PaginationProps = {
  page: number;
  pageSize: number;
  count: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPage: (page: number) => void;
  label: string;
};

/** Previous page / Next page buttons with "x–y of n". */
export function Pagination({ page, pageSize, count, hasPrevious, hasNext, onPage, label }: PaginationProps) {
  const first = count === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(count, page * pageSize);
  return (
    <div className="pagination" role="group" aria-label={label}>
      <span className="pagination-range" aria-live="polite">
        {count === 0 ? 'None' : `${first}–${last} of ${count}`}
      </span>
      <div className="pagination-buttons">
        <Button variant="secondary" size="sm" disabled={!hasPrevious} onClick={() => onPage(page - 1)}>
          Previous page
        </Button>
        <Button variant="secondary" size="sm" disabled={!hasNext} onClick={() => onPage(page + 1)}>
          Next page
        </Button>
      </div>
    </div>
  );
}
