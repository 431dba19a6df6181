/**
 * Spare keycodes bound on demand to keysyms the customer's layout lacks (€ on a US keyboard, CJK,
 * F13-F24), the way xdotool does it: ChangeKeyboardMapping on a keycode with no keysyms, press,
 * release, and later give the keycode back its empty mapping.
 *
 * Why the delays: an X client reads the new mapping lazily, when it handles the key event, which
 * may be well after we sent it. So a keycode is rebound to another keysym only SCRATCH_REUSE_MS
 * after its last release, and the original (empty) mappings come back SCRATCH_RESTORE_DELAY_MS
 * after the last use, or at close.
 */
import { ProtocolError } from '../../../protocol/errors';
import type { KeyboardMap } from './keyboard-map';
import type { X11Connection } from './x11-connection';

/** Minimum time between releasing a spare keycode and binding it to another keysym, in ms. */
export const SCRATCH_REUSE_MS = 60;
/** Idle time after which spare keycodes get their empty mapping back, in ms. */
export const SCRATCH_RESTORE_DELAY_MS = 1000;
/** Spare keycodes we use at most (leave the rest of the empty keycodes to other tools). */
const SCRATCH_POOL_MAX = 8;

interface Slot {
  keycode: number;
  keysym: number;
  pressed: number;
  lastUsedMs: number;
}

export class ScratchKeys {
  private readonly slots: Slot[];
  private restoreTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly conn: X11Connection,
    private readonly map: KeyboardMap,
  ) {
    this.slots = map
      .spareKeycodes()
      .slice(0, SCRATCH_POOL_MAX)
      .map((keycode) => ({ keycode, keysym: 0, pressed: 0, lastUsedMs: 0 }));
  }

  /** A keycode that now types `keysym` (bound on a spare keycode if needed). Call release() after. */
  async acquire(keysym: number): Promise<number> {
    this.cancelRestore();
    const bound = this.slots.find((s) => s.keysym === keysym);
    if (bound) {
      bound.pressed++;
      return bound.keycode;
    }
    const free = this.slots.filter((s) => s.pressed === 0).sort((a, b) => a.lastUsedMs - b.lastUsedMs)[0];
    if (!free) {
      throw new ProtocolError(
        'unavailable',
        'the keyboard mapping has no free keycode to type this character with',
      );
    }
    const wait = free.lastUsedMs + SCRATCH_REUSE_MS - Date.now();
    free.pressed++; // reserve it while we wait
    if (free.keysym !== 0 && wait > 0) await new Promise((r) => setTimeout(r, wait));
    this.bind(free.keycode, [keysym, keysym]);
    free.keysym = keysym;
    return free.keycode;
  }

  release(keycode: number): void {
    const slot = this.slots.find((s) => s.keycode === keycode);
    if (!slot || slot.pressed === 0) return;
    slot.pressed--;
    slot.lastUsedMs = Date.now();
    this.scheduleRestore();
  }

  /** True for keycodes this pool bound (their release must go through release()). */
  owns(keycode: number): boolean {
    return this.slots.some((s) => s.keycode === keycode && s.keysym !== 0);
  }

  /** Gives every idle spare keycode its empty mapping back now. */
  restore(): void {
    this.cancelRestore();
    for (const slot of this.slots) {
      if (slot.keysym === 0 || slot.pressed > 0) continue;
      this.bind(slot.keycode, [0]);
      slot.keysym = 0;
    }
  }

  /** Waits out the reuse delay (so clients have read the bindings), then restores. */
  async close(): Promise<void> {
    const last = Math.max(0, ...this.slots.map((s) => s.lastUsedMs));
    const wait = last + SCRATCH_REUSE_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (const slot of this.slots) slot.pressed = 0;
    if (!this.conn.closed) this.restore();
  }

  private bind(keycode: number, keysyms: number[]): void {
    this.conn.client.ChangeKeyboardMapping(keycode, keysyms.length, keysyms);
    this.map.setLocal(keycode, keysyms);
  }

  private scheduleRestore(): void {
    this.cancelRestore();
    this.restoreTimer = setTimeout(() => {
      this.restoreTimer = null;
      if (!this.conn.closed) this.restore();
    }, SCRATCH_RESTORE_DELAY_MS);
    this.restoreTimer.unref();
  }

  private cancelRestore(): void {
    if (this.restoreTimer) clearTimeout(this.restoreTimer);
    this.restoreTimer = null;
  }
}
