/**
 * The helper's own windows on Windows (the consent question, and any DialogSpec: "type the code",
 * a notice), drawn by the UI thread (ui-thread/dialog-window.ts) with Windows' standard controls,
 * on top of every window and focused when they open. The UI thread starts with the first dialog.
 * Each dialog's actions (a button with the ticks and the typed text, or its close box) reach the
 * `onAction` given at open; update() and close() after the dialog is closed do nothing.
 */
import type { Dialog, DialogAction, DialogHost, DialogSpec } from '../types';
import type { PlatformLog } from '../platform-log';
import { WinUiThread } from './win-ui-thread';

/** Dialog ids are unique in the process (one UI thread serves every host). */
let nextDialog = 1;

export class Win32DialogHost implements DialogHost {
  private readonly open_ = new Map<number, () => void>();

  constructor(private readonly log: PlatformLog) {}

  async open(spec: DialogSpec, onAction: (action: DialogAction) => void): Promise<Dialog> {
    const ui = await WinUiThread.shared((event, details) => this.log.info(event, details));
    const id = nextDialog++;
    let closed = false;
    const off = ui.onDialogAction(id, (action) => {
      if (!closed) onAction(action);
    });
    const close = () => {
      if (closed) return;
      closed = true;
      off();
      this.open_.delete(id);
      void ui.request({ type: 'dialog.close', dialog: id }).catch(() => undefined);
    };
    this.open_.set(id, close);
    try {
      const place = await ui.request({ type: 'dialog.open', dialog: id, spec });
      this.log.info('dialog_shown', { dialog: id, title: spec.title, ...place });
    } catch (err) {
      close();
      throw err;
    }
    return {
      update: (next) => {
        if (closed) return;
        void ui.request({ type: 'dialog.update', dialog: id, spec: next }).catch((err: unknown) =>
          this.log.warn('dialog_update_failed', {
            error: err instanceof Error ? err.message : String(err),
          }),
        );
      },
      close,
    };
  }

  async close(): Promise<void> {
    for (const close of [...this.open_.values()]) close();
  }
}
