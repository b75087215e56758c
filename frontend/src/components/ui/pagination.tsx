import { Button } from '@/components/ui/button';
import { formatCount } from '@/lib/format';

/** What every paginated endpoint answers besides its results. */
export type PageInfo = { count: number; previous?: string | null; next?: string | null };

export type PaginationProps = {
  page: number;
  pageSize: number;
  data: PageInfo;
  onPage: (page: number) => void;
  label: string;
};

/** Previous page / Next page buttons with "x–y of n"; nothing when everything fits on page 1. */
export function Pagination({ page, pageSize, data, onPage, label }: PaginationProps) {
  const { count } = data;
  if (count <= pageSize && page === 1) return null;
  const first = count === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(count, page * pageSize);
  return (
    <div className="pagination" role="group" aria-label={label}>
      <span className="pagination-range" aria-live="polite">
        {count === 0 ? 'None' : `${formatCount(first)}–${formatCount(last)} of ${formatCount(count)}`}
      </span>
      <div className="pagination-buttons">
        <Button variant="secondary" size="sm" disabled={!data.previous} onClick={() => onPage(page - 1)}>
          Previous page
        </Button>
        <Button variant="secondary" size="sm" disabled={!data.next} onClick={() => onPage(page + 1)}>
          Next page
        </Button>
      </div>
    </div>
  );
}
