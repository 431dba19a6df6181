import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX_EXTENSION_ID } from '../../../protocol/extension-ids';
import { NATIVE_EXIT_PROTOCOL } from '../../../host/native/native-host';
import { buildHelperBundle, type HelperBundle } from './helper-bundle';
import { frame, frameText } from './native-frames';
import { NativeProcess } from './native-process';

let bundle: HelperBundle;
beforeAll(async () => {
  bundle = await buildHelperBundle();
});
afterAll(() => bundle?.remove());

const hello = (id: string) => frame({ type: 'host.hello', id, extensionVersion: '0.1.0' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the bundled helper in native-messaging mode (no browser)', () => {
  it('answers host.hello and exits 0 when the browser closes the port, stdout holding only frames', async () => {
    const host = new NativeProcess(bundle.path);
    host.write(hello('1'));
    const reply = await host.reply('1');
    expect(reply).toMatchObject({
      type: 'reply',
      result: { version: '0.1.0', supported: expect.any(Boolean) },
    });
    expect(reply).toHaveProperty('result.os.platform', process.platform);
    host.end();
    expect(await host.exited).toBe(0);
    expect(host.stdoutIsClean()).toBe(true);
  });

  it('reassembles one message written in many small pieces, and reads several from one write', async () => {
    const host = new NativeProcess(bundle.path);
    const bytes = hello('split');
    for (let at = 0; at < bytes.length; at += 3) {
      host.write(bytes.subarray(at, at + 3));
      await sleep(2);
    }
    await host.reply('split');
    host.write(Buffer.concat([hello('a'), hello('b'), frame({ type: 'host.stop', id: 'c' })]));
    await host.reply('c');
    expect(host.messages().map((m) => ('id' in m ? m.id : m.type))).toEqual(
      expect.arrayContaining(['split', 'a', 'b', 'c']),
    );
    host.end();
    expect(await host.exited).toBe(0);
    expect(host.stdoutIsClean()).toBe(true);
  });

  it('answers garbage with error codes and keeps serving', async () => {
    const host = new NativeProcess(bundle.path);
    host.write(
      Buffer.concat([frameText('{{{{'), frameText('{"type":"host.hello"}'), frameText('null'), hello('ok')]),
    );
    await host.reply('ok');
    expect(
      host
        .messages()
        .filter((m) => m.type === 'error')
        .map((m) => m.type === 'error' && m.code),
    ).toEqual(['invalid_message', 'invalid_message', 'invalid_message']);
    host.end();
    expect(await host.exited).toBe(0);
  });

  it('answers an oversized length with message_too_large, says why on stderr, exits 3', async () => {
    const host = new NativeProcess(bundle.path);
    const head = Buffer.alloc(4);
    head.writeUInt32LE(0x7fffffff);
    host.write(Buffer.concat([hello('before'), head, Buffer.alloc(1000, 0x41)]));
    expect(await host.exited).toBe(NATIVE_EXIT_PROTOCOL);
    expect(host.messages()).toEqual([
      expect.objectContaining({ type: 'reply', id: 'before' }),
      expect.objectContaining({ type: 'error', code: 'message_too_large' }),
    ]);
    expect(host.stderr).toMatch(/input is broken .*2147483647 bytes.*exiting/);
    expect(host.stdoutIsClean()).toBe(true);
  });

  it('reports input cut inside a message and exits 3', async () => {
    const host = new NativeProcess(bundle.path);
    host.end(hello('cut').subarray(0, 12));
    expect(await host.exited).toBe(NATIVE_EXIT_PROTOCOL);
    expect(host.messages()).toEqual([expect.objectContaining({ type: 'error', code: 'invalid_message' })]);
    expect(host.stderr).toContain('input ended inside a message body');
  });

  it('serves Firefox, which passes the manifest path and the add-on ID', async () => {
    const host = new NativeProcess(bundle.path, [
      '/tmp/x/dev.lifeline_support.helper.json',
      FIREFOX_EXTENSION_ID,
    ]);
    host.write(hello('ff'));
    expect(await host.reply('ff')).toMatchObject({ type: 'reply' });
    host.end();
    expect(await host.exited).toBe(0);
  });

  it('refuses another extension, writing nothing on stdout', async () => {
    const host = new NativeProcess(bundle.path, [`chrome-extension://${'a'.repeat(32)}/`]);
    host.write(hello('x'));
    host.end();
    expect(await host.exited).toBe(1);
    expect(host.stderr).toContain('only Lifeline');
    expect(host.messages()).toEqual([]);
    expect(host.stdoutIsClean()).toBe(true);
  });
});
