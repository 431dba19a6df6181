/**
 * A labelled text input, the way the setup and management pages draw one (`ll-field`): the
 * caption above, the input with whatever attributes the caller gives, an optional hint below.
 */
import type { InputHTMLAttributes } from 'preact';

export function TextField({
  label,
  hint,
  ...input
}: { label: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label class="ll-field">
      <span>{label}</span>
      <input {...input} />
      {hint && <span class="ll-hint">{hint}</span>}
    </label>
  );
}
