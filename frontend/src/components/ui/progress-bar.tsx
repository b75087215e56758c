export type ProgressBarProps = {
  label: string;
  /** 0..max; null shows an indeterminate bar. */
  value: number | null;
  max?: number;
  valueText?: string;
  tone?: 'info' | 'success' | 'danger' | 'warning';
};

/** A labelled progressbar (role progressbar, aria-valuenow) drawn with plain elements. */
export function ProgressBar({ label, value, max = 100, valueText, tone = 'info' }: ProgressBarProps) {
  const clamped = value === null ? null : Math.max(0, Math.min(max, value));
  const percent = clamped === null ? 0 : max > 0 ? (clamped / max) * 100 : 0;
  return (
    <div
      className={`progress progress-${tone}${clamped === null ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={clamped === null ? undefined : Math.round(clamped)}
      aria-valuetext={valueText}
    >
      <div className="progress-fill" style={{ width: clamped === null ? undefined : `${percent}%` }} />
    </div>
  );
}
