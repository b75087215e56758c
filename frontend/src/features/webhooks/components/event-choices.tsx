import type { WebhookEvent } from '@/types/api';

export const EVENTS: { value: WebhookEvent; label: string }[] = [
  { value: 'import.completed', label: 'import.completed' },
  { value: 'import.failed', label: 'import.failed' },
  { value: 'import.cancelled', label: 'import.cancelled' },
  { value: 'import.progress', label: 'import.progress (every few seconds while running)' },
  { value: 'import.resubmitted', label: 'import.resubmitted (corrected rows loaded into a finished import)' },
  { value: 'import.reverted', label: 'import.reverted (a finished import undone)' },
];

/** The events an endpoint hears, as checkboxes; shared by the new-endpoint and edit forms. */
export function EventChoices({
  selected,
  onChange,
  errors,
}: {
  selected: WebhookEvent[];
  onChange: (events: WebhookEvent[]) => void;
  errors: string[];
}) {
  const toggle = (event: WebhookEvent) =>
    onChange(selected.includes(event) ? selected.filter((e) => e !== event) : [...selected, event]);
  return (
    <fieldset className="choices">
      <legend>Events</legend>
      {EVENTS.map((event) => (
        <label key={event.value} className="choice">
          <input type="checkbox" checked={selected.includes(event.value)} onChange={() => toggle(event.value)} />
          <span>{event.label}</span>
        </label>
      ))}
      {errors.length ? (
        <p className="field-error" role="alert">
          {errors.join(' ')}
        </p>
      ) : null}
    </fieldset>
  );
}
