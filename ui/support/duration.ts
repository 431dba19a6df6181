/** Splits a waiting time into what the page says: seconds under a minute, then minutes, then hours. */

export type DurationParts =
  | { unit: 'seconds'; count: number }
  | { unit: 'minutes'; count: number }
  | { unit: 'hours'; hours: number; minutes: number };

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

export function durationParts(ms: number): DurationParts {
  const safe = Math.max(0, Math.floor(ms));
  if (safe < MINUTE_MS) return { unit: 'seconds', count: Math.floor(safe / SECOND_MS) };
  if (safe < HOUR_MS) return { unit: 'minutes', count: Math.floor(safe / MINUTE_MS) };
  return {
    unit: 'hours',
    hours: Math.floor(safe / HOUR_MS),
    minutes: Math.floor((safe % HOUR_MS) / MINUTE_MS),
  };
}
