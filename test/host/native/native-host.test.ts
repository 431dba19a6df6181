import { describe, expect, it } from 'vitest';
import { LocalHelperController } from '../../../host/native/local-helper-controller';
import type { HelperController } from '../../../host/native/helper-controller';
import { NATIVE_EXIT_OK, NATIVE_EXIT_PROTOCOL } from '../../../host/native/native-host';
import { ProtocolError } from '../../../protocol/errors';
import { NATIVE_OUTBOUND_MAX_BYTES } from '../../../protocol/limits';
import { frame, frameText, parseStrict } from './native-frames';
import { startHost, TEST_OS } from './native-host-harness';

const OS = TEST_OS;
const ALL = { view: true, control: true, clipboard: true, files: true, reboot: true };
const NONE = { view: false, control: false, clipboard: false, files: false, reboot: false };

describe('native host loop', () => {
  it('answers host.hello with version, OS and support', async () => {
    const host = startHost();
    host.input.write(frame({ type: 'host.hello', id: 'h1', extensionVersion: '1.2.3' }));
    expect(await host.reply('h1')).toEqual({
      type: 'reply',
      id: 'h1',
      result: { version: '9.9.9', os: OS.os, supported: true },
    });
    host.input.end();
    expect(await host.exit).toBe(NATIVE_EXIT_OK);
    expect(parseStrict(host.raw()).rest.length).toBe(0);
  });

  it('joins, forwards consent requests and status, applies consent, stops', async () => {
    const controller = new LocalHelperController();
    const host = startHost(controller);
    host.input.write(
      frame({ type: 'host.join', id: 'j', server: 'https://help.example.com/x', joinCode: '123-456-789' }),
    );
    expect(await host.reply('j')).toMatchObject({ type: 'reply', result: { state: 'connecting' } });
    expect(controller.lastJoin).toEqual({ server: 'https://help.example.com', joinCode: '123456789' });

    controller.requestConsent('Ada Agent', { ...NONE, view: true, control: true });
    expect(await host.waitFor((m) => m.type === 'host.consent_needed')).toEqual({
      type: 'host.consent_needed',
      agentName: 'Ada Agent',
      requested: { ...NONE, view: true, control: true },
    });
    host.input.write(frame({ type: 'host.consent', id: 'c', grants: { ...NONE, view: true } }));
    expect(await host.reply('c')).toMatchObject({ result: { grants: { ...NONE, view: true } } });
    expect(await host.waitFor((m) => m.type === 'host.status' && m.state === 'sharing')).toMatchObject({
      grants: { view: true, control: false },
      agentNames: ['Ada Agent'],
    });

    host.input.write(frame({ type: 'host.stop', id: 's' }));
    expect(await host.reply('s')).toMatchObject({ result: { state: 'ended' } });
    host.input.end();
    expect(await host.exit).toBe(NATIVE_EXIT_OK);
  });

  it('answers illegal transitions with illegal_transition and keeps going', async () => {
    const host = startHost();
    host.input.write(frame({ type: 'host.consent', id: 'c', grants: ALL }));
    expect(await host.reply('c')).toMatchObject({ type: 'error', code: 'illegal_transition' });
    host.input.write(frame({ type: 'host.hello', id: 'h', extensionVersion: '1' }));
    expect(await host.reply('h')).toMatchObject({ type: 'reply' });
    host.input.end();
    await host.exit;
  });

  it('answers garbage, unknown types and invalid fields with codes (and the id when readable)', async () => {
    const host = startHost();
    host.input.write(
      Buffer.concat([
        frameText('not json at all'),
        frameText('[1,2]'),
        frame({ type: 'host.format_disk', id: 'u' }),
        frame({ type: 'host.join', id: 'bad', server: 'https://x.example', joinCode: '12' }),
        frame({ type: 'host.join', id: 'js', server: 'javascript:alert(1)', joinCode: '123456789' }),
        frameText(''),
        frame({ type: 'host.hello', id: 'after', extensionVersion: '1' }),
      ]),
    );
    await host.reply('after');
    const errors = host.messages().filter((m) => m.type === 'error');
    expect(errors.map((e) => [e.code, 'id' in e ? e.id : undefined])).toEqual([
      ['invalid_message', undefined],
      ['invalid_message', undefined],
      ['unknown_message_type', 'u'],
      ['invalid_message', 'bad'],
      ['bad_request', 'js'],
      ['invalid_message', undefined],
    ]);
    host.input.end();
    expect(await host.exit).toBe(NATIVE_EXIT_OK);
  });

  it('on an oversized length prefix: answers message_too_large, logs, exits with the protocol code', async () => {
    const host = startHost();
    const head = Buffer.alloc(4);
    head.writeUInt32LE(50 * 1024 * 1024);
    host.input.write(
      Buffer.concat([frame({ type: 'host.hello', id: 'first', extensionVersion: '1' }), head]),
    );
    expect(await host.exit).toBe(NATIVE_EXIT_PROTOCOL);
    expect(host.messages().map((m) => m.type)).toEqual(['reply', 'error']);
    expect(host.messages()[1]).toMatchObject({ code: 'message_too_large' });
    expect(host.logs.join('\n')).toMatch(/input is broken.*exiting/);
  });

  it('on input cut inside a message: answers invalid_message and exits with the protocol code', async () => {
    const host = startHost();
    host.input.end(frame({ type: 'host.hello', id: 'x', extensionVersion: '1' }).subarray(0, 10));
    expect(await host.exit).toBe(NATIVE_EXIT_PROTOCOL);
    expect(host.messages()).toEqual([expect.objectContaining({ type: 'error', code: 'invalid_message' })]);
  });

  it('turns controller bugs into internal_error, and never sends an error over the 1 MB cap', async () => {
    const local = new LocalHelperController();
    const buggy: HelperController = {
      // A result outside the schema, as a buggy controller written in plain JS could return.
      join: async () => JSON.parse('{"state":"not-a-state"}'),
      consent: async () => {
        throw new ProtocolError('consent_required', 'with huge details', {
          blob: 'x'.repeat(NATIVE_OUTBOUND_MAX_BYTES),
        });
      },
      stop: async () => {
        throw new TypeError('boom');
      },
      onEvent: (l) => local.onEvent(l),
      close: () => local.close(),
    };
    const host = startHost(buggy);
    host.input.write(
      frame({ type: 'host.join', id: 'j', server: 'https://a.example', joinCode: '123456789' }),
    );
    host.input.write(frame({ type: 'host.consent', id: 'c', grants: ALL }));
    host.input.write(frame({ type: 'host.stop', id: 's' }));
    expect(await host.reply('j')).toMatchObject({ type: 'error', code: 'internal_error' });
    const consent = await host.reply('c');
    expect(consent).toMatchObject({ type: 'error', code: 'consent_required', message: 'with huge details' });
    expect(consent).not.toHaveProperty('details');
    expect(await host.reply('s')).toMatchObject({ type: 'error', code: 'internal_error' });
    expect(host.logs.join('\n')).toContain('boom');
    host.input.end();
    expect(await host.exit).toBe(NATIVE_EXIT_OK);
  });

  it('closes the controller when the browser closes the port', async () => {
    const controller = new LocalHelperController();
    const host = startHost(controller);
    host.input.write(
      frame({ type: 'host.join', id: 'j', server: 'https://a.example', joinCode: '123456789' }),
    );
    await host.reply('j');
    host.input.end();
    await host.exit;
    expect(controller.currentState()).toBe('ended');
  });
});
