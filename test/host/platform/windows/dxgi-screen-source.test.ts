/**
 * The DXGI Desktop Duplication source over a fake of its COM facade (DxgiApi): two outputs, the
 * second left of the primary (negative origin). What it reads, reports and releases is what a
 * viewer relies on: the picture equals the outputs' pixels, only dirty rectangles are read, moves
 * come as copies before their damage, a lost duplication or device is recreated, a secure desktop
 * gives a clear error and then the picture back, and every COM object is released.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type {
  DxgiAcquired,
  DxgiApi,
  DxgiDeviceApi,
  DxgiDuplicationApi,
  DxgiOutputDesc,
} from '../../../../host/platform/windows/dxgi-api';
import {
  DXGI_ERROR_ACCESS_LOST,
  DXGI_ERROR_DEVICE_REMOVED,
  DXGI_ERROR_WAIT_TIMEOUT,
  E_ACCESSDENIED,
  E_NOTIMPL,
} from '../../../../host/platform/windows/dxgi-hresult';
import {
  DxgiScreenSource,
  RECREATE_RETRY_MS,
  type DxgiDesktop,
} from '../../../../host/platform/windows/dxgi-screen-source';
import type { Rect, ScreenMove } from '../../../../host/platform/types';

const PRIMARY: DxgiOutputDesc = {
  name: '\\\\.\\DISPLAY1',
  desktop: { left: 0, top: 0, right: 8, bottom: 6 },
  attached: true,
  rotation: 1,
};
const LEFT: DxgiOutputDesc = {
  name: '\\\\.\\DISPLAY2',
  desktop: { left: -4, top: -2, right: 0, bottom: 2 },
  attached: true,
  rotation: 1,
};
/** The virtual screen: from (-4,-2) to (8,6). */
const VIRTUAL = { x: -4, y: -2, width: 12, height: 8 };

/** One output's screen: pixel (x, y) is B=x, G=y, R=output id, X=generation. */
function paint(id: number, desc: DxgiOutputDesc, generation: number): Uint8Array {
  const w = desc.desktop.right - desc.desktop.left;
  const h = desc.desktop.bottom - desc.desktop.top;
  const px = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.set([x, y, id, generation], (y * w + x) * 4);
  return px;
}

class World {
  openHr = 0;
  duplicateHr: number[] = [0, 0];
  next: DxgiAcquired[][] = [[], []];
  screens: Uint8Array[] = [paint(1, PRIMARY, 1), paint(2, LEFT, 1)];
  reads: { output: number; rects: Rect[] }[] = [];
  live = new Set<string>();
  made = 0;
  heldFrames = 0;
  /** While set, making a device waits for it (D3D11CreateDevice on its worker thread, slow under Wine). */
  deviceGate: Promise<void> | null = null;
  opens = 0;

  api: DxgiApi = {
    openDevice: async () => {
      this.opens++;
      if (this.deviceGate) await this.deviceGate;
      if (this.openHr !== 0) return { hr: this.openHr, step: 'D3D11CreateDevice', device: null };
      return { hr: 0, step: 'EnumOutputs', device: this.device() };
    },
  };

  private track(kind: string): () => void {
    const id = `${kind}#${++this.made}`;
    this.live.add(id);
    return () => {
      if (!this.live.delete(id)) throw new Error(`${id} released twice`);
    };
  }

  private device(): DxgiDeviceApi {
    const release = this.track('device');
    return {
      outputs: [PRIMARY, LEFT],
      duplicate: (index) => {
        const hr = this.duplicateHr[index]!;
        return { hr, duplication: hr === 0 ? this.duplication(index) : null };
      },
      release,
    };
  }

  private duplication(index: number): DxgiDuplicationApi {
    const release = this.track(`dup${index}`);
    const desc = [PRIMARY, LEFT][index]!;
    const width = desc.desktop.right - desc.desktop.left;
    let holding = false;
    return {
      acquire: () => {
        if (holding) throw new Error('AcquireNextFrame while a frame is held');
        const got = this.next[index]!.shift() ?? {
          hr: DXGI_ERROR_WAIT_TIMEOUT,
          imageUpdated: false,
          dirty: [],
          moves: [],
        };
        if (got.hr === 0) {
          holding = true;
          this.heldFrames++;
        }
        return got;
      },
      read: (rects, target, stride, dx, dy) => {
        this.reads.push({ output: index, rects: rects.map((r) => ({ ...r })) });
        const screen = this.screens[index]!;
        for (const r of rects)
          for (let row = 0; row < r.height; row++) {
            const from = ((r.y + row) * width + r.x) * 4;
            target.set(screen.subarray(from, from + r.width * 4), (dy + r.y + row) * stride + (dx + r.x) * 4);
          }
        return 0;
      },
      releaseFrame: () => {
        if (!holding) throw new Error('ReleaseFrame without a frame');
        holding = false;
        this.heldFrames--;
      },
      release,
    };
  }
}

function frame(dirty: DxgiAcquired['dirty'], moves: DxgiAcquired['moves'] = []): DxgiAcquired {
  return { hr: 0, imageUpdated: true, dirty, moves };
}

let clock = 0;
const logs: { event: string; fields: Record<string, unknown> }[] = [];
const desktop: DxgiDesktop = {
  virtualScreen: () => VIRTUAL,
  monitors: async () => [
    { id: 0, name: 'DISPLAY1', primary: true, bounds: { x: 4, y: 2, width: 8, height: 6 } },
    { id: 1, name: 'DISPLAY2', primary: false, bounds: { x: 0, y: 0, width: 4, height: 4 } },
  ],
  pointer: async () => ({ x: 0, y: 0 }),
  cursor: async () => null,
  now: () => clock,
  log: (event, fields) => logs.push({ event, fields }),
};

async function open(world: World): Promise<DxgiScreenSource> {
  world.next = [[frame([])], [frame([])]];
  const opened = await DxgiScreenSource.open(world.api, desktop);
  if (!('source' in opened)) throw new Error(opened.reason);
  return opened.source;
}

/** The desktop pixel (x, y) as [B, G, R, X] from a whole capture. */
async function pixel(source: DxgiScreenSource, x: number, y: number): Promise<number[]> {
  const f = await source.capture({ x, y, width: 1, height: 1 });
  return Array.from(f.data.subarray(0, 4));
}

let opened: DxgiScreenSource | null = null;
afterEach(async () => {
  await opened?.close();
  opened = null;
  logs.length = 0;
  clock = 0;
});

describe('DXGI Desktop Duplication source (fake COM)', () => {
  it('captures every output at its place on the desktop, the first frames read whole', async () => {
    const world = new World();
    const source = (opened = await open(world));
    expect(world.reads).toEqual([
      { output: 0, rects: [{ x: 0, y: 0, width: 8, height: 6 }] },
      { output: 1, rects: [{ x: 0, y: 0, width: 4, height: 4 }] },
    ]);
    const whole = await source.capture();
    expect([whole.width, whole.height, whole.stride]).toEqual([12, 8, 48]);
    // Primary's (0,0) is the desktop's (4,2); the left output's (0,0) is the desktop's (0,0).
    expect(await pixel(source, 4, 2)).toEqual([0, 0, 1, 1]);
    expect(await pixel(source, 11, 7)).toEqual([7, 5, 1, 1]);
    expect(await pixel(source, 3, 3)).toEqual([3, 3, 2, 1]);
    // Below the left output nothing is shown: black, as GDI gives.
    expect(await pixel(source, 1, 6)).toEqual([0, 0, 0, 0]);
    expect(world.heldFrames).toBe(0);
  });

  it('reads only the dirty rectangles and move destinations, reports moves as copies before their damage', async () => {
    const world = new World();
    const source = (opened = await open(world));
    world.reads = [];
    const heard: string[] = [];
    let moves: ScreenMove[] = [];
    let damage: Rect[] = [];
    source.onMoves((m) => {
      heard.push('moves');
      moves = m;
    });
    source.onDamage((d) => {
      heard.push('damage');
      damage = d;
    });
    world.screens[0] = paint(1, PRIMARY, 2);
    world.next[0] = [
      frame(
        [{ left: 1, top: 1, right: 3, bottom: 2 }],
        [{ source: { x: 0, y: 2 }, destination: { left: 0, top: 4, right: 8, bottom: 6 } }],
      ),
    ];
    expect(await pixel(source, 5, 3)).toEqual([1, 1, 1, 2]);
    expect(world.reads).toEqual([
      {
        output: 0,
        rects: [
          { x: 0, y: 4, width: 8, height: 2 },
          { x: 1, y: 1, width: 2, height: 1 },
        ],
      },
    ]);
    // Not dirty: still the first generation (the source did not read it).
    expect(await pixel(source, 4, 2)).toEqual([0, 0, 1, 1]);
    expect(heard).toEqual(['moves', 'damage']);
    expect(moves).toEqual([{ rect: { x: 4, y: 6, width: 8, height: 2 }, srcX: 4, srcY: 4 }]);
    expect(damage).toEqual([
      { x: 4, y: 6, width: 8, height: 2 },
      { x: 5, y: 3, width: 2, height: 1 },
    ]);
  });

  it('nothing changed (WAIT_TIMEOUT, or only the pointer moved): nothing read, nothing reported', async () => {
    const world = new World();
    const source = (opened = await open(world));
    world.reads = [];
    const damage: Rect[][] = [];
    source.onDamage((d) => damage.push(d));
    world.next[0] = [{ hr: 0, imageUpdated: false, dirty: [], moves: [] }];
    await source.capture();
    expect(world.reads).toEqual([]);
    expect(damage).toEqual([]);
    expect(world.heldFrames).toBe(0);
  });

  it('ACCESS_LOST (desktop switch, UAC): the duplication is released and made again, the output read whole', async () => {
    const world = new World();
    const source = (opened = await open(world));
    world.reads = [];
    world.next[1] = [{ hr: DXGI_ERROR_ACCESS_LOST, imageUpdated: false, dirty: [], moves: [] }];
    world.screens[1] = paint(2, LEFT, 3);
    await source.capture();
    expect([...world.live].filter((id) => id.startsWith('dup1'))).toHaveLength(1);
    expect(logs.map((l) => l.event)).toContain('screen.dxgi_recreate');
    world.next[1] = [frame([{ left: 0, top: 0, right: 1, bottom: 1 }])];
    expect(await pixel(source, 3, 3)).toEqual([3, 3, 2, 3]);
    expect(world.reads).toEqual([{ output: 1, rects: [{ x: 0, y: 0, width: 4, height: 4 }] }]);
  });

  it('secure desktop: capture says so, duplicating is retried and the picture comes back', async () => {
    const world = new World();
    const source = (opened = await open(world));
    world.next[0] = [{ hr: DXGI_ERROR_ACCESS_LOST, imageUpdated: false, dirty: [], moves: [] }];
    world.duplicateHr[0] = E_ACCESSDENIED;
    await expect(source.capture()).rejects.toThrow(/secure screen/);
    world.duplicateHr[0] = 0;
    // Not before RECREATE_RETRY_MS: DuplicateOutput is not hammered.
    await expect(source.capture()).rejects.toThrow(/secure screen/);
    clock += RECREATE_RETRY_MS;
    world.screens[0] = paint(1, PRIMARY, 4);
    world.next[0] = [frame([])];
    expect(await pixel(source, 4, 2)).toEqual([0, 0, 1, 4]);
  });

  it('a lost device starts over from the device, and every old object is released', async () => {
    const world = new World();
    const source = (opened = await open(world));
    const before = [...world.live];
    const damage: Rect[][] = [];
    source.onDamage((d) => damage.push(d));
    world.next[0] = [{ hr: DXGI_ERROR_DEVICE_REMOVED, imageUpdated: false, dirty: [], moves: [] }];
    await source.capture();
    for (const id of before) expect(world.live.has(id)).toBe(false);
    expect(world.live.size).toBe(3);
    expect(damage).toContainEqual([{ x: 0, y: 0, width: 12, height: 8 }]);
  });

  it('makes the device again off the helper thread: a capture waits for it, then the whole desktop is reported', async () => {
    const world = new World();
    const source = (opened = await open(world));
    const damage: Rect[][] = [];
    source.onDamage((d) => damage.push(d));
    let letDeviceThrough = () => {};
    world.deviceGate = new Promise((r) => (letDeviceThrough = r));
    world.next[0] = [{ hr: DXGI_ERROR_DEVICE_REMOVED, imageUpdated: false, dirty: [], moves: [] }];
    world.screens[0] = paint(1, PRIMARY, 5);
    let captured = false;
    const capture = source.capture().then((f) => {
      captured = true;
      return f;
    });
    // The helper's thread goes on while the device is made: timers run, the capture waits.
    await new Promise((r) => setTimeout(r, 20));
    expect(captured).toBe(false);
    expect(world.opens).toBe(2);
    expect(world.live.size).toBe(0);
    letDeviceThrough();
    world.next = [[frame([])], [frame([])]];
    const whole = await capture;
    expect([whole.width, whole.height]).toEqual([12, 8]);
    expect(await pixel(source, 4, 2)).toEqual([0, 0, 1, 5]);
    expect(damage.flat()).toContainEqual({ x: 0, y: 0, width: 12, height: 8 });
    expect(world.opens).toBe(2);
  });

  it('closed while the device is being made again: the new device is released', async () => {
    const world = new World();
    const source = await open(world);
    let letDeviceThrough = () => {};
    world.deviceGate = new Promise((r) => (letDeviceThrough = r));
    world.next[0] = [{ hr: DXGI_ERROR_DEVICE_REMOVED, imageUpdated: false, dirty: [], moves: [] }];
    const capture = source.capture();
    await new Promise((r) => setTimeout(r, 5));
    await source.close();
    letDeviceThrough();
    await expect(capture).rejects.toThrow(/closed/);
    expect(world.live.size).toBe(0);
  });

  it('gives the reason, holding nothing, where DuplicateOutput is not implemented (Wine)', async () => {
    const world = new World();
    world.duplicateHr = [0, E_NOTIMPL | 0];
    const result = await DxgiScreenSource.open(world.api, desktop);
    expect(result).toEqual({ reason: 'DuplicateOutput failed: 0x80004001 E_NOTIMPL' });
    expect(world.live.size).toBe(0);
    world.openHr = 0x887a0004;
    expect(await DxgiScreenSource.open(world.api, desktop)).toEqual({
      reason: 'D3D11CreateDevice failed: 0x887A0004 DXGI_ERROR_UNSUPPORTED',
    });
  });

  it('close releases every duplication and the device, once', async () => {
    const world = new World();
    const source = await open(world);
    source.onDamage(() => {});
    expect(world.live.size).toBe(3);
    await source.close();
    await source.close();
    expect(world.live.size).toBe(0);
    await expect(source.capture()).rejects.toThrow(/closed/);
  });
});
