import type { ReactNode } from 'react';

export type AlertProps = {
  tone?: 'danger' | 'warning' | 'info' | 'success';
  title?: string;
  children?: ReactNode;
  action?: ReactNode;
  /** role=alert (default) interrupts screen readers; status is polite; note is not announced. */
  role?: 'alert' | 'status' | 'note';
  id?: string;
};

export function Alert({ tone = 'danger', title, children, action, role = 'alert', id }: AlertProps) {
  return (
    <div className={`alert alert-${tone}`} role={role} id={id}>
      <div className="alert-body">
        {title ? <p className="alert-title">{title}</p> : null}
        {children ? <div className="alert-text">{children}</div> : null}
      </div>
      {action ? <div className="alert-action">{action}</div> : null}
    </div>
  );
}
