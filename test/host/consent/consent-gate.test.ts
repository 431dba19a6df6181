/**
 * The consent gate, driven by random sequences of grants, revokes and platform calls. The
 * platform here is a recording fake (the gate's rule is what is under test; the real X11
 * platform has its own tests under test/e2e/host/platform).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_GRANTS, type Grants } from '../../../protocol/common';
import { ProtocolError } from '../../../protocol/errors';
import { ConsentGate, type Capability } from '../../../host/consent/consent-gate';
import type { Platform } from '../../../host/platform/types';

interface Call {
  capability: Capability;
  op: string;
  grantsAtCall: Grants;
}

function recordingPlatform(calls: Call[], gateRef: { gate?: ConsentGate }): Platform {
  const rec = (capability: Capability, op: string) => {
    calls.push({ capability, op, grantsAtCall: gateRef.gate!.current() });
  };
  return {
    name: 'recording',
    async screen() {
      return {
        desktopSize: () => (rec('view', 'desktopSize'), { width: 10, height: 10 }),
        monitors: async () => (rec('view', 'monitors'), []),
        capture: async () => (
          rec('view', 'capture'),
          { width: 1, height: 1, stride: 4, data: new Uint8Array(4) }
        ),
        onDamage: () => () => {},
        pointer: async () => (rec('view', 'pointer'), { x: 0, y: 0 }),
        cursor: async () => (rec('view', 'cursor'), null),
        close: async () => {},
      };
    },
    async input() {
      return {
        key: async () => rec('control', 'key'),
        type: async () => rec('control', 'type'),
        pointerMove: async () => rec('control', 'pointerMove'),
        pointerPosition: async () => (rec('control', 'pointerPosition'), { x: 0, y: 0 }),
        button: async () => rec('control', 'button'),
        wheel: async () => rec('control', 'wheel'),
        releaseAll: async () => {
          calls.push({ capability: 'control', op: 'releaseAll', grantsAtCall: gateRef.gate!.current() });
        },
        close: async () => {},
      };
    },
    async clipboard() {
      return {
        readText: async () => (rec('clipboard', 'readText'), ''),
        writeText: async () => rec('clipboard', 'writeText'),
        onChange: () => () => {},
        close: async () => {},
      };
    },
    files() {
      return {
        places: async () => (rec('files', 'places'), []),
        list: async () => (rec('files', 'list'), []),
        freeBytes: async () => (rec('files', 'freeBytes'), 0),
        openRead: async () => {
          rec('files', 'openRead');
          throw new Error('not used');
        },
        openWrite: async () => {
          rec('files', 'openWrite');
          throw new Error('not used');
        },
      };
    },
    async reboot() {
      rec('reboot', 'reboot');
    },
  };
}

const grantsArb = fc.record({
  view: fc.boolean(),
  control: fc.boolean(),
  clipboard: fc.boolean(),
  files: fc.boolean(),
  reboot: fc.boolean(),
});

type Step = { kind: 'set'; grants: Grants } | { kind: 'call'; capability: Capability; variant: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  grantsArb.map((grants) => ({ kind: 'set' as const, grants })),
  fc.record({
    kind: fc.constant('call' as const),
    capability: fc.constantFrom<Capability>('view', 'control', 'clipboard', 'files', 'reboot'),
    variant: fc.nat(5),
  }),
);

/** `variant` picks one call of the capability's kind; kinds with fewer calls wrap around. */
async function invoke(gate: ConsentGate, capability: Capability, variant: number): Promise<void> {
  const pick = <T>(calls: T[]): T => calls[variant % calls.length]!;
  switch (capability) {
    case 'view': {
      const s = await gate.screen();
      await pick([
        () => s.capture(),
        () => s.monitors(),
        () => s.pointer(),
        () => s.cursor(),
        async () => s.desktopSize(),
      ])();
      return;
    }
    case 'control': {
      const i = await gate.input();
      await pick([
        () => i.key('KeyA', true),
        () => i.type('é'),
        () => i.pointerMove(1, 1),
        () => i.button('left', true),
        () => i.wheel(0, 1),
        () => i.pointerPosition(),
      ])();
      return;
    }
    case 'clipboard': {
      const c = await gate.clipboard();
      await (variant % 2 ? c.readText() : c.writeText('x'));
      return;
    }
    case 'files': {
      const f = gate.files();
      await pick([() => f.places(), () => f.list('/'), () => f.freeBytes('/'), () => f.list('/tmp')])();
      return;
    }
    case 'reboot':
      await gate.reboot();
  }
}

describe('ConsentGate', () => {
  it('lets no capture, input, clipboard, file or reboot call through without its grant (random orders)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 40 }), async (steps) => {
        const calls: Call[] = [];
        const ref: { gate?: ConsentGate } = {};
        const gate = new ConsentGate(recordingPlatform(calls, ref));
        ref.gate = gate;
        for (const step of steps) {
          if (step.kind === 'set') {
            await gate.set(step.grants);
            continue;
          }
          try {
            await invoke(gate, step.capability, step.variant);
          } catch (err) {
            expect(err).toBeInstanceOf(ProtocolError);
            expect((err as ProtocolError).code).toBe('consent_required');
            expect(gate.has(step.capability)).toBe(false);
          }
        }
        for (const c of calls) {
          if (c.op === 'releaseAll') continue;
          expect(c.grantsAtCall[c.capability], `${c.op} ran without ${c.capability}`).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('revoking control releases pressed keys and refuses the very next input call', async () => {
    const calls: Call[] = [];
    const ref: { gate?: ConsentGate } = {};
    const gate = new ConsentGate(recordingPlatform(calls, ref));
    ref.gate = gate;
    await gate.set({ ...NO_GRANTS, view: true, control: true });
    const input = await gate.input();
    await input.key('ShiftLeft', true);
    const started = performance.now();
    await gate.set({ ...NO_GRANTS, view: true });
    expect(() => input.key('KeyA', true)).toThrow(ProtocolError);
    expect(performance.now() - started).toBeLessThan(500);
    expect(calls.map((c) => c.op)).toEqual(['key', 'releaseAll']);
  });

  it('opens nothing on the platform before the first granted use', async () => {
    let opened = 0;
    const ref: { gate?: ConsentGate } = {};
    const platform = recordingPlatform([], ref);
    const counting: Platform = {
      ...platform,
      screen: () => (opened++, platform.screen()),
      input: () => (opened++, platform.input()),
    };
    const gate = new ConsentGate(counting);
    ref.gate = gate;
    await expect(gate.screen()).rejects.toThrow(/not allowed view/);
    await expect(gate.input()).rejects.toThrow(/not allowed control/);
    expect(opened).toBe(0);
  });

  it('hands every argument of a file call to the system (an adopted upload reads its own part file)', async () => {
    const seen: unknown[][] = [];
    const ref: { gate?: ConsentGate } = {};
    const platform = recordingPlatform([], ref);
    const files = platform.files();
    const spying: Platform = {
      ...platform,
      files: () => ({
        ...files,
        openRead: async (...args: unknown[]) => {
          seen.push(args);
          throw new Error('not used');
        },
      }),
    };
    const gate = new ConsentGate(spying);
    ref.gate = gate;
    await gate.set({ ...NO_GRANTS, files: true });
    await expect(gate.files().openRead('/home/a/Documents/.x.bin.1.lifeline-part', 0, true)).rejects.toThrow(
      'not used',
    );
    expect(seen).toEqual([['/home/a/Documents/.x.bin.1.lifeline-part', 0, true]]);
  });
});
