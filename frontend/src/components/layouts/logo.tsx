export function Logo() {
  return (
    <span className="logo">
      <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="7" fill="currentColor" />
        <path d="M9 10h14M9 16h14M9 22h9" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
      </svg>
      <span className="logo-text">Intake</span>
    </span>
  );
}
