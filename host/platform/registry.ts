/**
 * The table of platform backends, and the only door from core helper code to a platform folder.
 * Each row (host/platform/<os>/<os>-backend.ts) says which system it handles and supplies that
 * system's Platform and optional parts; the first row whose supports() matches is this machine's.
 * Where no row matches, or the matching row has no Platform or refuses this machine (Linux
 * without an X display), loadPlatform() throws ProtocolError('os_not_supported') with a message
 * that names the system ("FreeBSD 14.0-RELEASE is not supported yet: ..."), so the support page
 * can tell the customer exactly why. describeOs() gives the protocol's OsInfo for the helper's
 * hello. The optional parts (drawing overlay, sharing indicator window, the helper's own windows,
 * a file chooser, a native consent prompt, the system's proxy settings) give null where the system has none, and
 * the caller falls back.
 */
import os from 'node:os';
import path from 'node:path';
import { ProtocolError } from '../../protocol/errors';
import type { OsInfo } from '../../protocol/helper-channel';
import type { Language } from '../../protocol/i18n/language';
import type { ConsentPrompt } from '../consent/prompts/consent-prompt';
import type { IndicatorWords, SharingIndicator } from '../consent/prompts/sharing-indicator';
import type { HelperText } from '../i18n/helper-text';
import type { SystemProxySettings } from '../net/proxy-config';
import type { AnnotationSurface } from '../session/annotation-surface';
import type { PlatformBackend, ResumeAtLogin, StateFolder } from './backend';
import { linuxBackend } from './linux/linux-backend';
import { macosBackend } from './macos/macos-backend';
import { windowsBackend } from './windows/windows-backend';
import type { NativeHostLocations } from './native-host-locations';
import { stderrLog, type PlatformLog } from './platform-log';
import { currentSystem, type SystemFacts } from './system-facts';
import type { DesktopBackgroundChoice, DialogHost, FileChooser, Platform, ScreenSource } from './types';
import { execFileRunner, type CommandRunner } from './command-runner';

export type { PlatformLog } from './platform-log';
export { currentSystem, type SystemFacts } from './system-facts';

/** Every system the helper knows, first match wins. */
export const BACKENDS: readonly PlatformBackend[] = [linuxBackend, windowsBackend, macosBackend];

const SYSTEM_NAMES: Record<string, string> = {
  win32: 'Windows',
  darwin: 'macOS',
  freebsd: 'FreeBSD',
  openbsd: 'OpenBSD',
  netbsd: 'NetBSD',
  sunos: 'Solaris',
  aix: 'AIX',
  android: 'Android',
  cygwin: 'Windows (Cygwin)',
  linux: 'Linux',
};

/** "Windows 10.0.19045", "macOS (Darwin 23.1.0)", "FreeBSD 14.0-RELEASE". */
export function systemName(facts: SystemFacts): string {
  const name = SYSTEM_NAMES[facts.platform] ?? facts.platform;
  if (facts.platform === 'darwin') return `macOS (Darwin ${facts.release})`;
  return facts.release ? `${name} ${facts.release}` : name;
}

/** The row for this system, or null when the helper does not know it at all. */
export function backendFor(facts: SystemFacts): PlatformBackend | null {
  return BACKENDS.find((b) => b.supports(facts)) ?? null;
}

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

export function describeOs(facts: SystemFacts = currentSystem()): OsInfo {
  const info: OsInfo = {
    platform: clip(facts.platform || 'unknown', 32),
    release: clip(facts.release, 100),
    arch: clip(facts.arch || 'unknown', 32),
  };
  const extra = backendFor(facts)?.describe?.(facts) ?? {};
  if (extra.display) info.display = clip(extra.display, 32);
  return info;
}

function supportedList(): string {
  const labels = BACKENDS.flatMap((b) => (b.load && b.label ? [b.label] : []));
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} and on ${labels.at(-1)!}`;
}

/** Loads what this system's backend needs before its synchronous parts run (at the helper's start). */
export async function preparePlatform(facts: SystemFacts = currentSystem()): Promise<void> {
  if (unsupportedReason(facts)) return;
  await backendFor(facts)?.prepare?.(facts);
}

/** Why this system has no platform, or null when it has one. */
export function unsupportedReason(facts: SystemFacts): string | null {
  const backend = backendFor(facts);
  if (!backend?.load) {
    return `${systemName(facts)} is not supported yet: Lifeline's helper runs on ${supportedList()}`;
  }
  return backend.unsupportedReason?.(facts) ?? null;
}

export interface LoadPlatformOptions {
  system?: SystemFacts;
  log?: PlatformLog;
  runCommand?: CommandRunner;
}

export async function loadPlatform(options: LoadPlatformOptions = {}): Promise<Platform> {
  const facts = options.system ?? currentSystem();
  const reason = unsupportedReason(facts);
  const backend = backendFor(facts);
  if (reason || !backend?.load) {
    throw new ProtocolError('os_not_supported', reason ?? systemName(facts), { os: describeOs(facts) });
  }
  return backend.load(facts, {
    log: options.log ?? stderrLog,
    ...(options.runCommand ? { runCommand: options.runCommand } : {}),
  });
}

/**
 * The overlay that draws the agent's annotations on this system's screen, or null where there is
 * none (the caller keeps the drawings without showing them). It connects only when the first
 * drawing arrives. `screen` is how it reads the pixels its drawings will cover (the session
 * passes the consent gate's screen source).
 */
export function createAnnotationOverlay(
  system: SystemFacts,
  log: (line: string) => void,
  screen?: () => Promise<ScreenSource>,
): AnnotationSurface | null {
  if (unsupportedReason(system)) return null;
  return backendFor(system)?.annotationOverlay?.(system, log, screen) ?? null;
}

/** Opens the always-on-top sharing indicator window (with its Stop); null where there is none. */
export async function openSharingIndicator(
  system: SystemFacts,
  onStop: () => void,
  words: IndicatorWords,
): Promise<SharingIndicator | null> {
  if (unsupportedReason(system)) return null;
  return (await backendFor(system)?.sharingIndicator?.(system, onStop, words)) ?? null;
}

/** A native consent prompt (Windows' message boxes) in `text`'s language, or null. */
export function nativeConsentPrompt(system: SystemFacts, text: HelperText): ConsentPrompt | null {
  return backendFor(system)?.consentPrompt?.(system, text) ?? null;
}

/**
 * The system's own proxy settings, where the system has them beyond the environment's
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (which host/net reads first, on every system), or null.
 */
export function systemProxySettings(system: SystemFacts = currentSystem()): SystemProxySettings | null {
  return backendFor(system)?.systemProxy?.(system) ?? null;
}

/** The desktop's display language where the system says it (Windows), else null. */
export function displayLanguage(system: SystemFacts = currentSystem()): Language | null {
  if (unsupportedReason(system)) return null;
  return backendFor(system)?.displayLanguage?.(system) ?? null;
}

/**
 * Where the helper's own windows open (the consent question, "type the code", notices), or null
 * where this system has none reachable (Linux without an X display, a Windows bundle without its
 * UI thread): the caller falls back to a native prompt or the terminal. Nothing connects until
 * the first window opens.
 */
export function dialogHost(system: SystemFacts = currentSystem()): DialogHost | null {
  if (unsupportedReason(system)) return null;
  return backendFor(system)?.dialogHost?.(system) ?? null;
}

/**
 * The system's file chooser (the customer picks a file to offer the agent), or null where the
 * system has none the helper can show (the terminal's "send <path>" stays).
 */
export function fileChooser(system: SystemFacts = currentSystem()): FileChooser | null {
  if (unsupportedReason(system)) return null;
  return backendFor(system)?.fileChooser?.(system) ?? null;
}

/**
 * The desktop's wallpaper control for the plain background, or why there is none ("not supported
 * on this desktop"). `kind` picks the implementation a snapshot on disk was read by.
 */
export function desktopBackground(
  system: SystemFacts = currentSystem(),
  options: { runCommand?: CommandRunner; kind?: string } = {},
): DesktopBackgroundChoice {
  const reason = unsupportedReason(system);
  if (reason) return { ok: false, reason };
  const backend = backendFor(system);
  const choice = backend?.desktopBackground?.(system, options.runCommand ?? execFileRunner, options.kind);
  return choice ?? { ok: false, reason: `${systemName(system)} has no plain background the helper can set` };
}

/** Where this user's helper state (the resume file) lives. */
export function stateFolder(system: SystemFacts = currentSystem()): StateFolder {
  const home = system.env.HOME || system.env.USERPROFILE || os.homedir();
  const backend = backendFor(system);
  if (backend) return backend.stateFolder(system, home);
  return { dir: path.join(home, '.local', 'state', 'lifeline'), unixModes: true };
}

/** The one-session entry that resumes after a restart (Linux autostart), or null where none is needed. */
export function resumeAtLogin(system: SystemFacts = currentSystem()): ResumeAtLogin | null {
  const home = system.env.HOME || system.env.USERPROFILE || os.homedir();
  return backendFor(system)?.resumeAtLogin?.(system, home) ?? null;
}

/** Where this system's browsers look for native-messaging hosts, or null (install not automated). */
export function nativeHostLocations(platform: string): NativeHostLocations | null {
  return backendFor({ platform, release: '', arch: '', env: {} })?.nativeHosts ?? null;
}
