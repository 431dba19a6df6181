/**
 * Sizes, rates, durations and dates for the Files panel, in the page's language (Intl: "5.2 MB",
 * "5,2 Mo", "3 min"). Decimal units, like the file managers customers use.
 */

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const;

function language(): string | undefined {
  return typeof document !== 'undefined' && document.documentElement.lang
    ? document.documentElement.lang
    : undefined;
}

/**
 * "41 bytes" / "41 octets" below a kilobyte (the long form: the short one says "41 byte" in English,
 * with no plural), "5.2 MB" / "5,2 Mo" above. `lang` defaults to the page's language.
 */
export function formatBytes(n: number, lang: string | undefined = language()): string {
  let v = Math.max(0, n);
  let i = 0;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return new Intl.NumberFormat(lang, {
    style: 'unit',
    unit: UNITS[i],
    unitDisplay: i === 0 ? 'long' : 'short',
    maximumFractionDigits: i === 0 ? 0 : 1,
    minimumFractionDigits: i === 0 ? 0 : 1,
  }).format(v);
}

export function formatSeconds(s: number): string {
  const lang = language();
  const unit = (value: number, u: 'second' | 'minute' | 'hour') =>
    new Intl.NumberFormat(lang, {
      style: 'unit',
      unit: u,
      unitDisplay: 'short',
      maximumFractionDigits: 0,
    }).format(value);
  if (s < 60) return unit(Math.max(1, Math.round(s)), 'second');
  if (s < 3600) return `${unit(Math.floor(s / 60), 'minute')} ${unit(Math.round(s % 60), 'second')}`;
  return `${unit(Math.floor(s / 3600), 'hour')} ${unit(Math.round((s % 3600) / 60), 'minute')}`;
}

export function formatDate(ms: number): string {
  return new Intl.DateTimeFormat(language(), { dateStyle: 'short', timeStyle: 'short' }).format(new Date(ms));
}
