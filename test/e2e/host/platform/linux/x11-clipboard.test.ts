import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIPBOARD_ANSWER_TIMEOUT_MS, X11Clipboard } from '../../../../../host/platform/linux/x11-clipboard';
import { X11Connection } from '../../../../../host/platform/linux/x11-connection';
import { silentPlatformLog } from '../../../../../host/platform/platform-log';
import { ProtocolError } from '../../../../../protocol/errors';
import { startXvfb, type XDisplay } from '../../../../support/xvfb';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);

let x: XDisplay;
let clipboard: X11Clipboard;
let tmp: string;
const owners: ChildProcess[] = [];

/** About 1 MB of multi-byte text (over the 256 KiB a single X request can carry: INCR both ways). */
const ONE_MB = 'Grüße € 日本 lifeline clipboard line\n'.repeat(25_000);

beforeAll(async () => {
  x = await startXvfb({ width: 800, height: 600 });
  clipboard = await X11Clipboard.open(x.display, silentPlatformLog);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-clip-'));
});

afterEach(() => {
  for (const o of owners.splice(0)) o.kill();
});

afterAll(async () => {
  await clipboard?.close();
  await x?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Another application (xclip) copies `text`; it stays the owner until killed. */
function xclipCopies(text: string): void {
  const file = path.join(tmp, `copy-${owners.length}.txt`);
  writeFileSync(file, text);
  owners.push(x.spawnClient('xclip', ['-quiet', '-selection', 'clipboard', '-i', file]));
}

/** Another application (xclip) pastes: asynchronous, so our process can answer it meanwhile. */
async function xclipPastes(target = 'UTF8_STRING', encoding: BufferEncoding = 'utf8'): Promise<string> {
  const { stdout } = await run('xclip', ['-o', '-selection', 'clipboard', '-t', target], {
    env: x.env,
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 20_000,
  });
  return stdout.toString(encoding);
}

describe('X11Clipboard', () => {
  it('reads an empty clipboard as empty text', async () => {
    expect(await clipboard.readText()).toBe('');
  });

  it('reads what another application copied, with non-ASCII text', async () => {
    xclipCopies('héllo ü € 日本');
    expect(await waitFor('the copied text', async () => (await clipboard.readText()) || undefined)).toBe(
      'héllo ü € 日本',
    );
  });

  it('reads 1 MB copied by another application (INCR)', async () => {
    expect(Buffer.byteLength(ONE_MB)).toBeGreaterThan(1_000_000);
    xclipCopies(ONE_MB);
    const got = await waitFor('the large text', async () => {
      const t = await clipboard.readText();
      return t.length > 100 ? t : undefined;
    });
    expect(got.length).toBe(ONE_MB.length);
    expect(got === ONE_MB).toBe(true);
  });

  it('lets another application paste what we copied, as UTF8_STRING, TEXT and STRING', async () => {
    await clipboard.writeText('Grüße € 日本');
    expect(await xclipPastes()).toBe('Grüße € 日本');
    expect(await xclipPastes('TEXT')).toBe('Grüße € 日本');
    expect(await xclipPastes('STRING', 'latin1')).toBe('Grüße ? ??');
    expect((await xclipPastes('TARGETS')).split('\n').filter(Boolean).sort()).toEqual(
      ['STRING', 'TARGETS', 'TEXT', 'TIMESTAMP', 'UTF8_STRING'].sort(),
    );
    expect(await clipboard.readText()).toBe('Grüße € 日本');
  });

  it('lets another application paste 1 MB we copied (INCR)', async () => {
    await clipboard.writeText(ONE_MB);
    const pasted = await xclipPastes();
    expect(pasted.length).toBe(ONE_MB.length);
    expect(pasted === ONE_MB).toBe(true);
  });

  it('tells when another application copies, not when we do', async () => {
    let changes = 0;
    const stop = clipboard.onChange(() => changes++);
    try {
      await clipboard.writeText('ours');
      await new Promise((r) => setTimeout(r, 200));
      expect(changes).toBe(0);
      xclipCopies('theirs');
      await waitFor('a change report', () => changes > 0);
      expect(await clipboard.readText()).toBe('theirs');
    } finally {
      stop();
    }
  });

  it('fails clearly when the application holding the clipboard never answers', async () => {
    const silent = await X11Connection.open(x.display, silentPlatformLog);
    try {
      const window = silent.client.AllocID();
      silent.client.CreateWindow(window, silent.root, 0, 0, 1, 1, 0, 0, 2, 0, {});
      const clip = await silent.atom('CLIPBOARD');
      silent.client.SetSelectionOwner(window, clip, 0);
      await silent.sync();
      const started = Date.now();
      const err = await clipboard.readText().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).code).toBe('unavailable');
      expect((err as ProtocolError).message).toMatch(/did not answer/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(CLIPBOARD_ANSWER_TIMEOUT_MS - 50);
    } finally {
      await silent.close();
    }
  });
});
