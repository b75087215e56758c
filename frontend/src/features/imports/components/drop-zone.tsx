import { type DragEvent, useId, useRef, useState } from 'react';

export type DropZoneProps = {
  onFile: (file: File) => void;
  accept: string;
  disabled?: boolean;
  hint: string;
};

/**
 * The drop zone is a real button named "Choose a file": click, Enter or Space opens the
 * picker, and a file dropped on it is taken too. The input behind it is labelled "CSV file".
 */
export function DropZone({ onFile, accept, disabled = false, hint }: DropZoneProps) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const inputId = useId();
  const hintId = useId();

  const onDrop = (event: DragEvent<HTMLButtonElement>) => {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    const file = event.dataTransfer.files[0];
    if (file) onFile(file);
  };

  return (
    <div className="dropzone-wrap">
      <button
        type="button"
        className={`dropzone${over ? ' dropzone-over' : ''}`}
        aria-label="Choose a file"
        aria-describedby={hintId}
        disabled={disabled}
        onClick={() => input.current?.click()}
        onDragEnter={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <svg className="dropzone-icon" viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false">
          <path
            d="M12 16V4m0 0-4.5 4.5M12 4l4.5 4.5M4 15v3.5A1.5 1.5 0 0 0 5.5 20h13a1.5 1.5 0 0 0 1.5-1.5V15"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
        <span className="dropzone-title">Choose a file</span>
        <span className="dropzone-sub">or drop it here</span>
      </button>
      <p className="field-hint" id={hintId}>
        {hint}
      </p>
      <label htmlFor={inputId} className="sr-only">
        CSV file
      </label>
      <input
        id={inputId}
        ref={input}
        type="file"
        accept={accept}
        className="sr-only"
        tabIndex={-1}
        disabled={disabled}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) onFile(file);
          e.target.value = '';
        }}
      />
    </div>
  );
}
