/**
 * The monitors of an X screen, as the desktop sees them: RandR 1.5 GetMonitors (what
 * `xrandr --listmonitors` shows, including monitors set with `xrandr --setmonitor`), the primary
 * one first, then left to right. Without RandR 1.5 the whole screen is one monitor.
 */
import type { RandrExtension } from 'x11';
import type { Monitor } from '../types';
import type { X11Connection } from './x11-connection';

/** RandR minor opcode of GetMonitors (RandR 1.5). */
const RANDR_GET_MONITORS = 42;
/** Bytes of one MONITORINFO before its list of outputs. */
const MONITOR_INFO_BYTES = 24;

export interface RawMonitor {
  nameAtom: number;
  primary: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Parses a GetMonitors reply body (the bytes after the 8-byte reply header). */
export function parseGetMonitorsReply(body: Buffer): RawMonitor[] {
  if (body.length < 24) throw new Error('RandR GetMonitors reply is truncated');
  const count = body.readUInt32LE(4);
  const monitors: RawMonitor[] = [];
  let offset = 24;
  for (let i = 0; i < count; i++) {
    if (offset + MONITOR_INFO_BYTES > body.length) throw new Error('RandR GetMonitors reply is truncated');
    const outputs = body.readUInt16LE(offset + 6);
    monitors.push({
      nameAtom: body.readUInt32LE(offset),
      primary: body.readUInt8(offset + 4) !== 0,
      x: body.readInt16LE(offset + 8),
      y: body.readInt16LE(offset + 10),
      width: body.readUInt16LE(offset + 12),
      height: body.readUInt16LE(offset + 14),
    });
    offset += MONITOR_INFO_BYTES + outputs * 4;
  }
  return monitors;
}

/** Primary first, then top-left to bottom-right; ids follow that order. */
export function orderMonitors(list: Omit<Monitor, 'id'>[]): Monitor[] {
  const sorted = [...list].sort(
    (a, b) => Number(b.primary) - Number(a.primary) || a.bounds.x - b.bounds.x || a.bounds.y - b.bounds.y,
  );
  // With no primary set, the first one stands in for it (the viewer opens on it).
  return sorted.map((m, i) => ({ ...m, id: i, primary: i === 0 }));
}

export async function listMonitors(
  conn: X11Connection,
  randr: RandrExtension | null,
  desktop: { width: number; height: number },
): Promise<Monitor[]> {
  const whole: Monitor[] = [
    {
      id: 0,
      name: 'screen',
      primary: true,
      bounds: { x: 0, y: 0, width: desktop.width, height: desktop.height },
    },
  ];
  const hasGetMonitors =
    randr !== null && (randr.major_version > 1 || (randr.major_version === 1 && randr.minor_version >= 5));
  if (!randr || !hasGetMonitors) return whole;
  const packet = Buffer.alloc(12);
  packet.writeUInt8(randr.majorOpcode, 0);
  packet.writeUInt8(RANDR_GET_MONITORS, 1);
  packet.writeUInt16LE(3, 2);
  packet.writeUInt32LE(conn.root >>> 0, 4);
  packet.writeUInt8(1, 8); // get_active: only monitors that show something
  const raw = await conn.rawRequest('RandR.GetMonitors', packet, (body) => parseGetMonitorsReply(body));
  const usable = raw.filter((m) => m.width > 0 && m.height > 0);
  if (usable.length === 0) return whole;
  const named = await Promise.all(
    usable.map(async (m, i) => ({
      name: m.nameAtom
        ? await conn
            .call<string>('GetAtomName', (cb) => conn.client.GetAtomName(m.nameAtom, cb))
            .catch(() => `monitor ${i + 1}`)
        : `monitor ${i + 1}`,
      primary: m.primary,
      bounds: { x: m.x, y: m.y, width: m.width, height: m.height },
    })),
  );
  return orderMonitors(named);
}
