/**
 * The desktop's own "open a file" chooser on Linux, through the program the desktop ships for
 * scripts: zenity (GNOME and most GTK desktops) or kdialog (KDE), whichever is on PATH first in
 * that order; with neither there is no chooser (the registry gives null and the customer offers
 * files from the terminal). The program runs as a child process, so the helper's event loop goes
 * on while the customer browses; it gets no timeout (the customer takes the time they need) and
 * ends with the helper. Exit 0 with a path: chosen; exit 1: cancelled; anything else: an error
 * that carries the program's own words.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { FileChooser } from '../types';

/** Most bytes of a chooser's answer read (a path and a newline; PATH_MAX is 4096). */
const ANSWER_MAX_BYTES = 16 * 1024;
/** Most bytes of its error output kept for the message. */
const STDERR_KEPT_BYTES = 2 * 1024;

/** How each program is asked to open one existing file, titled, starting in a folder. */
const PROGRAMS = {
  zenity: (title: string, dir: string) => [
    '--file-selection',
    `--title=${title}`,
    `--filename=${dir}${path.sep}`,
  ],
  kdialog: (title: string, dir: string) => ['--title', title, '--getopenfilename', dir],
} as const;

export type ChooserProgram = keyof typeof PROGRAMS;

/** The first chooser program on `env.PATH`, with its full path, or null. */
export function findChooserProgram(env: NodeJS.ProcessEnv): { program: ChooserProgram; file: string } | null {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter((d) => path.isAbsolute(d));
  for (const program of Object.keys(PROGRAMS) as ChooserProgram[]) {
    for (const dir of dirs) {
      const file = path.join(dir, program);
      try {
        accessSync(file, constants.X_OK);
        return { program, file };
      } catch {
        // not here
      }
    }
  }
  return null;
}

export class DesktopFileChooser implements FileChooser {
  constructor(
    private readonly program: ChooserProgram,
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The chooser of the desktop `env` describes, or null where neither program is installed. */
  static find(env: NodeJS.ProcessEnv): DesktopFileChooser | null {
    const found = findChooserProgram(env);
    return found ? new DesktopFileChooser(found.program, found.file, env) : null;
  }

  choose(options: { title: string; startDir: string }): Promise<string | null> {
    const args = PROGRAMS[this.program](options.title, options.startDir);
    return new Promise((resolve, reject) => {
      const child = spawn(this.file, args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.length > ANSWER_MAX_BYTES) child.kill();
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        if (err.length < STDERR_KEPT_BYTES) err += d.slice(0, STDERR_KEPT_BYTES - err.length);
      });
      child.on('error', (e) => reject(new Error(`${this.program} could not start (${e.message})`)));
      child.on('close', (code) => {
        if (out.length > ANSWER_MAX_BYTES) return reject(new Error(`${this.program} answered too much`));
        if (code === 1) return resolve(null);
        if (code !== 0) {
          return reject(new Error(`${this.program} failed (exit ${code}): ${err.trim() || 'no message'}`));
        }
        const chosen = out.replace(/\r?\n$/u, '');
        resolve(chosen === '' ? null : chosen);
      });
    });
  }
}
