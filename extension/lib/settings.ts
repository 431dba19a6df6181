/**
 * The agent's settings (options page), their defaults and limits, and how a managed policy set by
 * IT overrides them: a setting present in the policy wins and is shown locked. Stored settings
 * are validated one field at a time, so one bad value falls back to its default alone.
 */
import * as z from 'zod';

/** How long a new-request alert stays on screen by default, in seconds. */
export const ALERT_SECONDS_DEFAULT = 30;
/** Shortest alert duration an agent may choose, in seconds. */
export const ALERT_SECONDS_MIN = 1;
/** Longest alert duration an agent may choose, in seconds. */
export const ALERT_SECONDS_MAX = 120;

export const Language = z.enum(['browser', 'en', 'fr']);
export type Language = z.infer<typeof Language>;

export const SETTING_SCHEMAS = {
  alertSeconds: z.number().int().min(ALERT_SECONDS_MIN).max(ALERT_SECONDS_MAX),
  playSound: z.boolean(),
  /** While the agent has a session open: show alerts for new requests. */
  inSessionShowAlerts: z.boolean(),
  /** While the agent has a session open: play the alert sound. */
  inSessionPlaySound: z.boolean(),
  language: Language,
  /** Viewer preferences: placeholders the screen viewer fills in. */
  viewerScaling: z.enum(['fit', 'actual']),
  viewerQuality: z.enum(['auto', 'sharp', 'fast']),
} as const;

export const Settings = z.object(SETTING_SCHEMAS);
export type Settings = z.infer<typeof Settings>;
export type SettingKey = keyof Settings;
export const SETTING_KEYS = Object.keys(SETTING_SCHEMAS) as SettingKey[];

export const DEFAULT_SETTINGS: Settings = {
  alertSeconds: ALERT_SECONDS_DEFAULT,
  playSound: true,
  inSessionShowAlerts: true,
  inSessionPlaySound: false,
  language: 'browser',
  viewerScaling: 'fit',
  viewerQuality: 'auto',
};

export const SettingsPatch = Settings.partial();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/** Settings in force and the keys IT locked. */
export const EffectiveSettings = z.object({
  settings: Settings,
  locked: z.array(z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]])),
});
export type EffectiveSettings = z.infer<typeof EffectiveSettings>;

/** Reads stored settings field by field (anything invalid or missing gets its default). */
export function readStoredSettings(raw: unknown): Settings {
  const source = typeof raw === 'object' && raw !== null ? raw : {};
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const parsed = SETTING_SCHEMAS[key].safeParse((source as Record<string, unknown>)[key]);
    out[key] = parsed.success ? parsed.data : DEFAULT_SETTINGS[key];
  }
  return Settings.parse(out);
}

/**
 * The agent's settings with IT's policy applied on top. `policy` is a ManagedPolicy
 * (managed-policy.ts, which reads its settings with this module's schemas: typed here by shape,
 * so the two modules do not import each other).
 */
export function applyPolicy(stored: Settings, policy: { settings: Partial<Settings> }): EffectiveSettings {
  const locked: SettingKey[] = [];
  const settings: Record<string, unknown> = { ...stored };
  for (const key of SETTING_KEYS) {
    const forced = policy.settings[key];
    if (forced !== undefined) {
      settings[key] = forced;
      locked.push(key);
    }
  }
  return { settings: Settings.parse(settings), locked };
}

/** A patch with the locked keys removed (the options page cannot override IT). */
export function withoutLocked(patch: SettingsPatch, locked: readonly SettingKey[]): SettingsPatch {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (!locked.includes(key as SettingKey)) out[key] = value;
  }
  return SettingsPatch.parse(out);
}
