/**
 * Durations and clock times as the agent reads them, in the extension's language: "45 s",
 * "3 min 05 s", "1 h 12 min" for waiting times; "14:05" for times of day.
 */
import { currentLanguage, t } from './i18n';

/** A waiting time in words, from milliseconds. */
export function formatWaiting(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return t('durationHoursMinutes', hours, minutes);
  if (minutes > 0) return t('durationMinutesSeconds', minutes, String(seconds).padStart(2, '0'));
  return t('durationSeconds', seconds);
}

export function formatClock(at: number): string {
  return new Intl.DateTimeFormat(currentLanguage(), { hour: '2-digit', minute: '2-digit' }).format(at);
}
