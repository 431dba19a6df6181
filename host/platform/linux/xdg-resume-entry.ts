/**
 * The Linux helper's way back after a restart: a one-session XDG autostart entry
 * (`$XDG_CONFIG_HOME/autostart/lifeline-helper-resume.desktop`, else `~/.config/autostart/`), which
 * the customer's desktop runs at their next login (GNOME, KDE, Xfce, and `dex -a` elsewhere). It
 * starts `lifeline-helper resume --state-file <file>`, and is removed as soon as it is no longer
 * needed: when the resumed helper is back in the session, when the session ends, when the restart
 * was refused, or when `resume` finds nothing to resume. Windows' counterpart is RunOnce
 * (host/platform/windows/windows-reboot.ts), which Windows deletes by itself.
 *
 * The Exec line follows the Desktop Entry Specification: every argument double-quoted, with `"`,
 * `` ` ``, `$` and `\` escaped inside quotes, then the string escape of `\` applied on top, and `%`
 * doubled (field codes). Control characters cannot be written in a key's value: refused.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SystemFacts } from '../system-facts';
import type { ResumeAtLogin } from '../backend';

export const RESUME_ENTRY_NAME = 'lifeline-helper-resume.desktop';

/** The folder the desktop reads autostart entries from, for this user. */
export function autostartFolder(facts: SystemFacts, home: string): string {
  const xdg = facts.env.XDG_CONFIG_HOME;
  // The XDG spec says relative values are invalid and must be ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config');
  return path.join(base, 'autostart');
}

/** One argument of an Exec key, quoted and escaped as the Desktop Entry Specification asks. */
export function quoteExecArgument(arg: string): string {
  if ([...arg].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw new Error('an autostart command cannot hold control characters');
  }
  const quoted = `"${arg.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
  // The string escape (\\ for \) applies before the quoting rule when the desktop reads it.
  return quoted.replaceAll('\\', '\\\\').replaceAll('%', '%%');
}

/** The whole .desktop file that runs `argv` once at the next login. */
export function resumeEntryText(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('an autostart entry needs a command');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Lifeline support session',
    'Comment=Resumes the support session after the restart the agent asked for; removed once used',
    `Exec=${argv.map(quoteExecArgument).join(' ')}`,
    'Terminal=false',
    'NoDisplay=true',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

let tempCount = 0;

export class XdgResumeEntry implements ResumeAtLogin {
  readonly path: string;

  constructor(folder: string) {
    this.path = path.join(folder, RESUME_ENTRY_NAME);
  }

  /** Written whole or not at all (temporary file, then rename). */
  async write(argv: readonly string[]): Promise<void> {
    const text = resumeEntryText(argv);
    await mkdir(path.dirname(this.path), { recursive: true, mode: 0o700 });
    // Its own temporary name: two writes at once must not rename each other's half-written file.
    const temp = `${this.path}.${process.pid}.${++tempCount}.tmp`;
    await writeFile(temp, text, { mode: 0o600 });
    await rename(temp, this.path);
  }

  /** Idempotent: nothing there is fine. */
  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }
}
