/**
 * The Linux file chooser (desktop-file-chooser.ts) as the helper runs it: a real child process
 * found on PATH, its arguments, its exit codes (0 chosen, 1 cancelled, other failed with its own
 * words) and a flood of output refused. zenity and kdialog are not installed on this machine (a
 * GTK or KDE stack for one test is too heavy), so the programs here are small scripts with their
 * names that answer as the real ones do; what the real zenity/kdialog windows look like is not
 * verified here.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DesktopFileChooser, findChooserProgram } from '../../../../host/platform/linux/desktop-file-chooser';
import { fileChooser } from '../../../../host/platform/registry';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A folder holding `name`, a script that records its arguments and runs `body`. */
function fakeProgram(name: string, body: string): { dir: string; args: () => string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-chooser-'));
  dirs.push(dir);
  const argsFile = path.join(dir, 'args');
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > '${argsFile}'\n${body}\n`);
  chmodSync(file, 0o755);
  return { dir, args: () => readFileSync(argsFile, 'utf8').split('\n').slice(0, -1) };
}

const envWith = (...pathDirs: string[]) => ({
  PATH: [...pathDirs, '/usr/bin', '/bin'].join(':'),
  DISPLAY: ':99',
});

describe('the desktop file chooser (zenity / kdialog)', () => {
  it('is found on PATH, zenity first; none without either', () => {
    const z = fakeProgram('zenity', 'exit 1');
    const k = fakeProgram('kdialog', 'exit 1');
    expect(findChooserProgram(envWith(k.dir, z.dir))).toEqual({
      program: 'zenity',
      file: path.join(z.dir, 'zenity'),
    });
    expect(findChooserProgram(envWith(k.dir))?.program).toBe('kdialog');
    expect(findChooserProgram({ PATH: '/nonexistent' })).toBeNull();
    // Relative PATH entries are never searched (a folder the customer happens to be in).
    expect(findChooserProgram({ PATH: `.:${path.relative(process.cwd(), z.dir)}` })).toBeNull();
    // The platform table gives it on Linux with a display, and null without one.
    const linux = { platform: 'linux', release: '6.1', arch: 'x64' };
    expect(fileChooser({ ...linux, env: envWith(z.dir) })).toBeInstanceOf(DesktopFileChooser);
    expect(fileChooser({ ...linux, env: { PATH: z.dir } })).toBeNull();
  });

  it('zenity: the chosen path, null on cancel, the program words on failure', async () => {
    const z = fakeProgram('zenity', 'printf "%s\\n" "/home/ana/Documents/facture é.pdf"');
    const chooser = DesktopFileChooser.find(envWith(z.dir))!;
    const chosen = await chooser.choose({ title: 'Choose the file', startDir: '/home/ana' });
    expect(chosen).toBe('/home/ana/Documents/facture é.pdf');
    expect(z.args()).toEqual(['--file-selection', '--title=Choose the file', '--filename=/home/ana/']);
    const c = fakeProgram('zenity', 'exit 1');
    expect(await DesktopFileChooser.find(envWith(c.dir))!.choose({ title: 't', startDir: '/' })).toBeNull();
    const f = fakeProgram('zenity', 'echo "cannot open display" >&2; exit 5');
    await expect(
      DesktopFileChooser.find(envWith(f.dir))!.choose({ title: 't', startDir: '/' }),
    ).rejects.toThrow('zenity failed (exit 5): cannot open display');
  });

  it('kdialog: its own arguments; an endless answer is cut off and refused', async () => {
    const k = fakeProgram('kdialog', 'echo /home/ana/a.txt');
    const chooser = DesktopFileChooser.find(envWith(k.dir))!;
    expect(await chooser.choose({ title: 'Titre', startDir: '/home/ana' })).toBe('/home/ana/a.txt');
    expect(k.args()).toEqual(['--title', 'Titre', '--getopenfilename', '/home/ana']);
    const flood = fakeProgram('kdialog', 'exec yes /x');
    await expect(
      DesktopFileChooser.find(envWith(flood.dir))!.choose({ title: 't', startDir: '/' }),
    ).rejects.toThrow('kdialog answered too much');
  });
});
