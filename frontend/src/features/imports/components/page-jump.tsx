import { type FormEvent, useId, useState } from 'react';

import { Button } from '@/components/ui/button';
import { formatCount } from '@/lib/format';

/** "Go to page [n] of N": for lists too long to step through a page at a time. */
export function PageJump({ page, pages, onPage }: { page: number; pages: number; onPage: (page: number) => void }) {
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (pages <= 1) return null;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const wanted = Number(text);
    if (!Number.isInteger(wanted) || wanted < 1 || wanted > pages) {
      setError(`A page from 1 to ${formatCount(pages)}.`);
      return;
    }
    setError(null);
    setText('');
    if (wanted !== page) onPage(wanted);
  };

  return (
    <form className="page-jump" onSubmit={onSubmit} noValidate>
      <label htmlFor={id}>Go to page</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={1}
        max={pages}
        value={text}
        placeholder={String(page)}
        onChange={(event) => setText(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <span className="muted small">of {formatCount(pages)}</span>
      <Button type="submit" variant="secondary" size="sm">
        Go
      </Button>
      {error ? (
        <span className="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      ) : null}
    </form>
  );
}
