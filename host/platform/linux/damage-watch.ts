/**
 * Changed areas of the screen from the X DAMAGE extension. One Damage object on the root window
 * (RawRectangles: the server reports every drawing operation, so nothing needs resetting with
 * DamageSubtract), created when the first listener subscribes and destroyed with the last.
 * Rectangles are collected for DAMAGE_COALESCE_MS after the first one arrives, then merged
 * (rect-coalesce.ts) and handed to every listener in one call. The server starts a new Damage
 * with everything damaged, so the first report after subscribing is the whole screen: what a new
 * viewer needs anyway; later subscribers get the same first report.
 */
import type { DamageExtension } from 'x11';
import type { Rect } from '../types';
import { coalesceRects } from './rect-coalesce';
import type { X11Connection } from './x11-connection';

/** How long a burst of damage is gathered before listeners hear of it, in ms. */
export const DAMAGE_COALESCE_MS = 4;
/** Raw rectangles kept per burst; past this the whole screen counts as changed. */
const MAX_PENDING_RECTS = 4096;

/** Parses a DamageNotify event's 32 wire bytes: the changed area, in root coordinates. */
export function parseDamageNotify(raw: Buffer): Rect {
  return {
    x: raw.readInt16LE(16),
    y: raw.readInt16LE(18),
    width: raw.readUInt16LE(20),
    height: raw.readUInt16LE(22),
  };
}

export class DamageWatch {
  private readonly listeners = new Set<(rects: Rect[]) => void>();
  private damageId = 0;
  private pending: Rect[] = [];
  private overflow = false;
  private timer: NodeJS.Timeout | null = null;
  private stopEvents: (() => void) | null = null;

  constructor(
    private readonly conn: X11Connection,
    private readonly damage: DamageExtension,
    private readonly desktopSize: () => { width: number; height: number },
  ) {}

  subscribe(listener: (rects: Rect[]) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) {
      this.start();
    } else {
      // Later subscribers get the same first report the server gives the first one.
      const size = this.desktopSize();
      setTimeout(() => {
        if (this.listeners.has(listener)) listener([{ x: 0, y: 0, width: size.width, height: size.height }]);
      }, 0);
    }
    return () => {
      if (!this.listeners.delete(listener)) return;
      if (this.listeners.size === 0) this.stop();
    };
  }

  close(): void {
    this.listeners.clear();
    this.stop();
  }

  private start(): void {
    const eventCode = this.damage.firstEvent; // DamageNotify is the extension's event 0
    this.stopEvents = this.conn.onEvent((raw) => {
      if ((raw[0]! & 0x7f) !== eventCode) return;
      if (raw.readUInt32LE(8) !== this.damageId) return;
      this.add(parseDamageNotify(raw));
    });
    this.damageId = this.conn.client.AllocID();
    this.damage.Create(this.damageId, this.conn.root, this.damage.ReportLevel.RawRectangles);
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
    this.overflow = false;
    this.stopEvents?.();
    this.stopEvents = null;
    if (this.damageId && !this.conn.closed) {
      this.damage.Destroy(this.damageId);
      this.conn.client.ReleaseID(this.damageId);
    }
    this.damageId = 0;
  }

  private add(rect: Rect): void {
    if (this.pending.length < MAX_PENDING_RECTS) this.pending.push(rect);
    else this.overflow = true;
    if (!this.timer) this.timer = setTimeout(() => this.flush(), DAMAGE_COALESCE_MS);
  }

  private flush(): void {
    this.timer = null;
    const size = this.desktopSize();
    const rects = this.overflow
      ? [{ x: 0, y: 0, width: size.width, height: size.height }]
      : coalesceRects(this.pending, size);
    this.pending = [];
    this.overflow = false;
    if (rects.length === 0) return;
    for (const listener of [...this.listeners]) listener(rects.map((r) => ({ ...r })));
  }
}
