/** A waiting time in words, from the catalog ("2 minutes", "1 h 5 min"). */
import type { TFunction } from '../../i18n/i18n';
import { durationParts } from '../duration';

export function formatDuration(t: TFunction, ms: number): string {
  const d = durationParts(ms);
  if (d.unit === 'seconds') return t('duration.seconds', { count: d.count });
  if (d.unit === 'minutes') return t('duration.minutes', { count: d.count });
  return t('duration.hours', { hours: d.hours, minutes: d.minutes });
}
