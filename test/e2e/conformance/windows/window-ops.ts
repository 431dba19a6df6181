/**
 * Test-only requests of the conformance driver on Windows for the helper's own windows: ask for
 * consent through the backend's prompt (the native window) without waiting for the answer, read
 * the answer once given, and find a control of the open dialog or the indicator's Stop on the
 * screen (the test then clicks it with the real pointer, as a customer would). Not part of the
 * helper: the places come from the UI thread's probes.
 */
import { NO_GRANTS, type Grants } from '../../../../protocol/common';
import { currentSystem, dialogHost, fileChooser } from '../../../../host/platform/registry';
import { win32 } from '../../../../host/platform/windows/win32';
import type { ConsentPrompt } from '../../../../host/consent/prompts/consent-prompt';
import type { Dialog } from '../../../../host/platform/types';
import { WindowConsentPrompt } from '../../../../host/consent/prompts/window-consent-prompt';
import { HelperText } from '../../../../host/i18n/helper-text';
import { WinUiThread } from '../../../../host/platform/windows/win-ui-thread';
import { win32InputBlockFacade } from '../../../../host/platform/windows/input-block-reason';

type Args = Record<string, unknown>;

export function windowOps(): Record<string, (a: Args) => Promise<unknown>> {
  let prompt: ConsentPrompt | null = null;
  let answer: { grants: Grants; answered: string | null } | { error: string } | null = null;
  /** Dialog ids count up from 1 in the process; the driver opens one consent window at a time. */
  let dialogs = 0;
  /** The file chooser's outcome once the customer answered it (chooser.open starts it). */
  let chosen: { path: string | null } | { error: string } | null = null;
  /** A dialog opened in the background (dialog.background), until dialog.backgroundClose. */
  let background: Dialog | null = null;
  return {
    /** Opens a dialog the customer uses when they like (the file offer's kind): no focus taken. */
    'dialog.background': async (a) => {
      const host = dialogHost(currentSystem());
      if (!host) return false;
      background = await host.open(
        {
          title: String(a.title),
          heading: String(a.title),
          text: ['A window the customer uses when they like.'],
          buttons: [{ id: 'hide', label: 'Close', primary: true }],
          cancel: 'hide',
          inBackground: true,
        },
        () => undefined,
      );
      return true;
    },
    'dialog.backgroundClose': async () => {
      background?.close();
      background = null;
      return true;
    },
    /** Opens the backend's file chooser (Windows' Open dialog) without waiting for the answer. */
    'chooser.open': async (a) => {
      const chooser = fileChooser(currentSystem());
      if (!chooser) return false;
      chosen = null;
      chooser.choose({ title: String(a.title), startDir: String(a.startDir) }).then(
        (p) => (chosen = { path: p }),
        (err: unknown) => (chosen = { error: err instanceof Error ? err.message : String(err) }),
      );
      return true;
    },
    'chooser.answer': async () => chosen,
    /** Whether a top-level window titled `title` is on the screen, and which one is in front. */
    'window.find': async (a) => {
      const { user32, koffi } = win32();
      const hwnd = user32.FindWindowW(null, String(a.title));
      if (!hwnd) return { found: false, foreground: false };
      const front = user32.GetForegroundWindow();
      return { found: true, foreground: Boolean(front) && koffi.address(front) === koffi.address(hwnd) };
    },
    'consent.ask': async (a) => {
      if (!prompt) {
        const host = dialogHost(currentSystem());
        prompt = host ? new WindowConsentPrompt(host, new HelperText('en')) : null;
      }
      if (!prompt) return false;
      answer = null;
      dialogs++;
      const p = prompt;
      p.ask({ agentName: String(a.agentName), requested: a.requested as Grants }).then(
        (a) => (answer = { grants: a.kind === 'allowed' ? a.grants : NO_GRANTS, answered: a.kind }),
        (err: unknown) => (answer = { error: err instanceof Error ? err.message : String(err) }),
      );
      return { kind: p.kind };
    },
    'consent.answer': async () => answer,
    /** What the helper reads when Windows refuses input (input-block-reason.ts), read for real. */
    'input.blockFacts': async () => ({
      desktop: win32InputBlockFacade.inputDesktopName(),
      foregroundElevated: win32InputBlockFacade.foregroundElevated(),
      selfElevated: win32InputBlockFacade.selfElevated(),
    }),
    'consent.close': async () => {
      prompt?.close();
      return true;
    },
    'ui.control': async (a) =>
      (await WinUiThread.shared()).request({
        type: 'probe.control',
        dialog: dialogs,
        control: String(a.control),
      }),
    'ui.indicatorStop': async () => (await WinUiThread.shared()).request({ type: 'probe.indicatorStop' }),
    'ui.windows': async () => (await WinUiThread.shared()).request({ type: 'probe.windows' }),
  };
}
