/**
 * One system the helper can run on, as one row of the registry's table (host/platform/registry.ts):
 * whether it handles this machine, how to open its Platform, and the optional parts a system may
 * lack (the drawing overlay, the sharing indicator window, a native consent prompt). Every member
 * that names a system, a path convention or a desktop technology lives behind this interface, in
 * that system's folder (host/platform/<os>/); core helper code asks the registry.
 */
import type { OsInfo } from '../../protocol/helper-channel';
import type { Language } from '../../protocol/i18n/language';
import type { ConsentPrompt } from '../consent/prompts/consent-prompt';
import type { IndicatorWords, SharingIndicator } from '../consent/prompts/sharing-indicator';
import type { HelperText } from '../i18n/helper-text';
import type { SystemProxySettings } from '../net/proxy-config';
import type { AnnotationSurface } from '../session/annotation-surface';
import type { CommandRunner } from './command-runner';
import type { NativeHostLocations } from './native-host-locations';
import type { PlatformLog } from './platform-log';
import type { SystemFacts } from './system-facts';
import type { DesktopBackgroundChoice, DialogHost, FileChooser, Platform, ScreenSource } from './types';

export interface LoadOptions {
  log: PlatformLog;
  /** Runs system commands (reboot); injectable so tests never reboot their machine. */
  runCommand?: CommandRunner;
}

/** Where the per-user state (the resume file) lives, and whether Unix modes protect it. */
export interface StateFolder {
  dir: string;
  /**
   * True where the file's mode bits say who may read it (so a file readable by others is refused);
   * false where the folder's owner-only ACL does that job (Windows' %LOCALAPPDATA%).
   */
  unixModes: boolean;
}

/**
 * What brings the helper back by itself after a restart the agent asked for, where the system has
 * no RunOnce of its own (Linux: an XDG autostart entry). One session's worth: written just before
 * the restart, removed once the helper is back, the session ended or the restart was refused.
 */
export interface ResumeAtLogin {
  /** Where it lives (for the helper's log and the docs' "what stays on my computer"). */
  readonly path: string;
  /** Runs `argv` (the helper's `resume` command) at the customer's next login. */
  write(argv: readonly string[]): Promise<void>;
  remove(): Promise<void>;
}

export interface PlatformBackend {
  /** Short id, also Platform.name once loaded ("linux-x11", "windows"). */
  readonly id: string;
  /** What a refusal elsewhere names as supported ("Linux with X11"); absent while there is no Platform. */
  readonly label?: string;
  /** Whether this row is the one for `facts.platform` (the first match in the table wins). */
  supports(facts: SystemFacts): boolean;
  /**
   * Why this machine cannot be shared although the system is this backend's (Linux without an X
   * display), or null when it can. Absent: always shareable.
   */
  unsupportedReason?(facts: SystemFacts): string | null;
  /** Extra fields for the helper's hello (the display server on Linux). */
  describe?(facts: SystemFacts): Partial<OsInfo>;
  /** Loads what the synchronous parts below need (native functions), once, at the helper's start. */
  prepare?(facts: SystemFacts): Promise<void>;
  /** Opens this system's Platform; each part connects on first use. */
  load?(facts: SystemFacts, options: LoadOptions): Promise<Platform>;
  /**
   * The overlay that draws the agent's annotations on the customer's screen and keeps them out of
   * the capture, or null where there is none (the caller keeps the drawings unseen).
   */
  annotationOverlay?(
    facts: SystemFacts,
    log: (line: string) => void,
    screen?: () => Promise<ScreenSource>,
  ): AnnotationSurface | null;
  /** The always-on-top "sharing ... Stop" window of the standalone helper, or null. */
  sharingIndicator?(
    facts: SystemFacts,
    onStop: () => void,
    words: IndicatorWords,
  ): Promise<SharingIndicator | null>;
  /**
   * Where the helper's own windows open (consent, "type the code", notices), or null where none is
   * reachable. Nothing connects until the first window opens.
   */
  dialogHost?(facts: SystemFacts): DialogHost | null;
  /**
   * The system's file chooser (Windows' common dialog; zenity or kdialog on Linux desktops), or
   * null where there is none: the customer then offers files from the terminal only.
   */
  fileChooser?(facts: SystemFacts): FileChooser | null;
  /**
   * A native consent prompt for systems without a DialogHost (Windows' message boxes), speaking
   * `text`'s language, or null where the terminal must ask.
   */
  consentPrompt?(facts: SystemFacts, text: HelperText): ConsentPrompt | null;
  /**
   * The system's own proxy settings beyond HTTPS_PROXY / HTTP_PROXY / NO_PROXY (read first on every
   * system), or null: Linux desktops export theirs to those variables.
   */
  systemProxy?(facts: SystemFacts): SystemProxySettings | null;
  /** The desktop's display language, where the system says it beyond the locale variables. */
  displayLanguage?(facts: SystemFacts): Language | null;
  /** The entry that resumes the session at the next login, or null where the system does it itself. */
  resumeAtLogin?(facts: SystemFacts, home: string): ResumeAtLogin | null;
  /**
   * The desktop's wallpaper control for the plain background (detected: the X root, GNOME, KDE;
   * Windows), or why this desktop has none. With `kind` (a snapshot's, read back after a crash):
   * that implementation, so the restore speaks to what was changed.
   */
  desktopBackground?(facts: SystemFacts, runCommand: CommandRunner, kind?: string): DesktopBackgroundChoice;
  /** Where the resume state is kept for this user. */
  stateFolder(facts: SystemFacts, home: string): StateFolder;
  /** Where browsers look for native-messaging hosts; absent where install is not automated. */
  nativeHosts?: NativeHostLocations;
}
