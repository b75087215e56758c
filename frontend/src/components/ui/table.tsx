import type { HTMLAttributes, ReactNode, TableHTMLAttributes } from 'react';

/** A table with an accessible name (its caption) that scrolls sideways on narrow screens. */
export function Table({
  caption,
  hideCaption = false,
  children,
  className,
  ...rest
}: TableHTMLAttributes<HTMLTableElement> & { caption: string; hideCaption?: boolean; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className={['table', className ?? ''].filter(Boolean).join(' ')} {...rest}>
        <caption className={hideCaption ? 'sr-only' : 'table-caption'}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export function EmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr className="table-empty">
      <td colSpan={colSpan}>{children}</td>
    </tr>
  );
}

export function Num(props: HTMLAttributes<HTMLTableCellElement>) {
  return <td className="num" {...props} />;
}
