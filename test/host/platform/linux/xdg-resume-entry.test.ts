/**
 * The Linux resume-at-login entry: where it goes (XDG_CONFIG_HOME, relative values ignored), the
 * Exec quoting of the Desktop Entry Specification (what GLib's autostart un-quotes back to the same
 * argv), control characters refused, written atomically and removed idempotently.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  autostartFolder,
  quoteExecArgument,
  RESUME_ENTRY_NAME,
  resumeEntryText,
  XdgResumeEntry,
} from '../../../../host/platform/linux/xdg-resume-entry';
import { resumeAtLogin } from '../../../../host/platform/registry';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-xdg-entry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const linux = (env: Record<string, string>) => ({ platform: 'linux', release: '6', arch: 'x64', env });

describe('the autostart entry that resumes after a restart', () => {
  it("lives in the user's XDG config folder; a relative XDG_CONFIG_HOME is ignored", () => {
    expect(autostartFolder(linux({ XDG_CONFIG_HOME: '/x/cfg' }), '/home/c')).toBe('/x/cfg/autostart');
    expect(autostartFolder(linux({ XDG_CONFIG_HOME: 'cfg' }), '/home/c')).toBe('/home/c/.config/autostart');
    expect(resumeAtLogin(linux({ HOME: '/home/c', DISPLAY: ':0' }))?.path).toBe(
      `/home/c/.config/autostart/${RESUME_ENTRY_NAME}`,
    );
    // Windows has RunOnce (deleted by Windows itself): no entry of ours.
    expect(resumeAtLogin({ platform: 'win32', release: '10', arch: 'x64', env: {} })).toBeNull();
  });

  it('quotes every argument as the Desktop Entry Specification asks', () => {
    expect(quoteExecArgument('/usr/bin/node')).toBe('"/usr/bin/node"');
    expect(quoteExecArgument('/home/a b/x')).toBe('"/home/a b/x"');
    // Inside quotes: \" \` \$ \\ ; then the string escape doubles every backslash; % is doubled.
    expect(quoteExecArgument('a"b')).toBe('"a\\\\"b"');
    expect(quoteExecArgument('$HOME')).toBe('"\\\\$HOME"');
    expect(quoteExecArgument('c:\\x')).toBe('"c:\\\\\\\\x"');
    expect(quoteExecArgument('50%')).toBe('"50%%"');
    expect(() => quoteExecArgument('a\nb')).toThrow(/control characters/);
    expect(resumeEntryText(['/n', 'resume'])).toContain('\nExec="/n" "resume"\n');
  });

  it('is written whole, readable by its owner only, and removed without fuss', async () => {
    const entry = new XdgResumeEntry(path.join(tmp, 'autostart'));
    await entry.write(['/usr/bin/node', '/opt/lifeline helper.mjs', 'resume']);
    expect(readFileSync(entry.path, 'utf8')).toContain(
      'Exec="/usr/bin/node" "/opt/lifeline helper.mjs" "resume"',
    );
    expect(statSync(entry.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(entry.path))).toEqual([RESUME_ENTRY_NAME]);
    await entry.remove();
    await entry.remove();
    expect(existsSync(entry.path)).toBe(false);
  });
});
