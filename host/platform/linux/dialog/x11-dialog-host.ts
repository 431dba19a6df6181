/**
 * The helper's dialogs on an X display (DialogHost): one X connection of their own, opened with
 * the first dialog, with the atoms, fonts and keyboard map the dialogs share. Whether a window
 * manager runs is read from the root window (_NET_SUPPORTING_WM_CHECK) each time a dialog opens,
 * since the customer's desktop may start one later; with one, dialogs ask it to activate them,
 * without one they raise and focus themselves.
 */
import type { Dialog, DialogAction, DialogHost, DialogSpec } from '../../types';
import { X11Connection } from '../x11-connection';
import { silentPlatformLog, type PlatformLog } from '../../platform-log';
import { openDialogFonts, type DialogFonts } from './x11-dialog-fonts';
import { DIALOG_ATOM_NAMES, X11DialogWindow, type DialogAtoms } from './x11-dialog-window';
import { X11KeyMap } from './x11-key-map';

const XA_WINDOW = 33;

interface Ready {
  conn: X11Connection;
  atoms: DialogAtoms;
  fonts: DialogFonts;
  keys: X11KeyMap;
}

export class X11DialogHost implements DialogHost {
  private ready: Promise<Ready> | null = null;
  private readonly windows = new Set<X11DialogWindow>();

  constructor(
    private readonly display: string,
    private readonly log: PlatformLog = silentPlatformLog,
  ) {}

  async open(spec: DialogSpec, onAction: (action: DialogAction) => void): Promise<Dialog> {
    const r = await this.connect();
    const wm = await this.windowManagerRuns(r);
    const win = new X11DialogWindow(
      r.conn,
      r.fonts,
      r.atoms,
      r.keys,
      spec,
      onAction,
      (w) => this.windows.delete(w),
      wm,
    );
    this.windows.add(win);
    await r.conn.sync();
    return win;
  }

  /** The X window of each open dialog (tests look for them on the screen). */
  get windowIds(): number[] {
    return [...this.windows].map((w) => w.window);
  }

  async close(): Promise<void> {
    for (const w of [...this.windows]) w.close();
    const r = this.ready;
    this.ready = null;
    if (r) await (await r.catch(() => null))?.conn.close();
  }

  private connect(): Promise<Ready> {
    if (!this.ready) {
      const attempt = (async () => {
        const conn = await X11Connection.open(this.display, this.log);
        const ids = await Promise.all(DIALOG_ATOM_NAMES.map((name) => conn.atom(name)));
        const atoms = Object.fromEntries(DIALOG_ATOM_NAMES.map((name, i) => [name, ids[i]!])) as Record<
          keyof DialogAtoms,
          number
        >;
        const fonts = await openDialogFonts(conn);
        const keys = await X11KeyMap.load(conn);
        return { conn, atoms, fonts, keys };
      })();
      this.ready = attempt;
      attempt.catch(() => {
        if (this.ready === attempt) this.ready = null;
      });
    }
    return this.ready;
  }

  private async windowManagerRuns(r: Ready): Promise<boolean> {
    try {
      const reply = await r.conn.call<{ type: number; data: Buffer }>('GetProperty', (cb) =>
        r.conn.client.GetProperty(0, r.conn.root, r.atoms._NET_SUPPORTING_WM_CHECK, XA_WINDOW, 0, 1, cb),
      );
      return reply.type === XA_WINDOW && reply.data.length >= 4 && reply.data.readUInt32LE(0) !== 0;
    } catch {
      return false;
    }
  }
}
