/**
 * Picks how the standalone helper asks for consent and shows that it is sharing, and where its
 * lines go: the helper's own consent window wherever the platform backend has windows
 * (host/platform/registry.ts dialogHost: X11 with a display, on top and focused), else the
 * backend's native prompt (Windows' message boxes), else the controlling terminal; the indicator
 * on the terminal plus, where the desktop has one, the always-on-top indicator window.
 * Everything is said in the customer's language (`text`, shared and switchable). With neither a
 * window nor a terminal there is no way to ask, and the caller must say so and stop (consent is
 * never assumed).
 */
import type { HelperText } from '../../i18n/helper-text';
import {
  currentSystem,
  dialogHost,
  fileChooser,
  nativeConsentPrompt,
  openSharingIndicator,
} from '../../platform/registry';
import type { DialogHost, FileChooser } from '../../platform/types';
import type { ConsentPrompt } from './consent-prompt';
import { IndicatorGroup, type SharingIndicator, type SharingState } from './sharing-indicator';
import { TerminalIndicator } from './terminal-indicator';
import { TerminalPrompt } from './terminal-prompt';
import { TtyLines } from './tty-lines';
import { WindowConsentPrompt } from './window-consent-prompt';

export interface StandaloneUi {
  text: HelperText;
  prompt: ConsentPrompt | null;
  indicator: SharingIndicator;
  /** The terminal, when there is one (status lines and the SAS are printed there). */
  tty: TtyLines | null;
  /** The helper's windows (null where the system shows none): the caller may open notices there. */
  dialogs: DialogHost | null;
  /** The system's file chooser (the customer picks a file to offer), null where there is none. */
  fileChooser: FileChooser | null;
  /**
   * One status line for the customer: when stdout is the terminal, through it (whole, never inside
   * a question); else to stdout (redirected, or no terminal at all).
   */
  say(line: string): void;
  close(): Promise<void>;
}

export interface ChooseOptions {
  env?: NodeJS.ProcessEnv;
  /** The terminal to use (tests pass one over pipes); default: /dev/tty. */
  tty?: TtyLines | null;
  /** Where windows open (tests pass one; null: none); default: the system's (registry). */
  dialogs?: DialogHost | null;
  /** The file chooser (tests pass one; null: none); default: the system's (registry). */
  fileChooser?: FileChooser | null;
  /** Show the desktop's indicator window where there is one (default true). */
  indicatorWindow?: boolean;
}

/** The indicator window's line: "Lifeline: sharing with Alex (code 123 456), paused" (no Stop). */
export function indicatorWindowText(text: HelperText, state: SharingState): string {
  const digits = (state.codes ?? []).map((c) => c.sas);
  return (
    text.t('indicator.window', { names: text.names(state.agentNames) }) +
    (digits.length > 0
      ? text.t('indicator.windowCode', { count: digits.length, codes: digits.join(', ') })
      : '') +
    (state.paused ? text.t('indicator.windowPaused') : '') +
    (state.plainBackground ? text.t('indicator.windowPlain') : '')
  );
}

export async function chooseStandaloneUi(
  text: HelperText,
  onStop: () => void,
  options: ChooseOptions = {},
): Promise<StandaloneUi> {
  const env = options.env ?? process.env;
  const system = { ...currentSystem(), env };
  const tty = options.tty !== undefined ? options.tty : TtyLines.openControllingTty();
  const dialogs = options.dialogs !== undefined ? options.dialogs : dialogHost(system);
  const native = dialogs ? null : nativeConsentPrompt(system, text);
  const prompt: ConsentPrompt | null = dialogs
    ? new WindowConsentPrompt(dialogs, text)
    : (native ?? (tty ? new TerminalPrompt(tty, text) : null));
  const members: SharingIndicator[] = [];
  if (tty) members.push(new TerminalIndicator(tty, text, onStop));
  if (options.indicatorWindow ?? true) {
    const win = await openSharingIndicator(system, onStop, {
      line: (state) => indicatorWindowText(text, state),
      stop: text.t('indicator.stopButton'),
      lineStop: text.t('indicator.windowStop'),
    });
    if (win) members.push(win);
  }
  const indicator = new IndicatorGroup(members);
  return {
    text,
    prompt,
    indicator,
    tty,
    dialogs,
    fileChooser:
      options.fileChooser !== undefined ? options.fileChooser : dialogs ? fileChooser(system) : null,
    say(line) {
      // On the terminal the questions are asked on, so they stay whole; else wherever stdout goes.
      if (tty && process.stdout.isTTY) tty.line(line);
      else process.stdout.write(`${line}\n`);
    },
    async close() {
      prompt?.close();
      indicator.close();
      tty?.close();
      await dialogs?.close();
    },
  };
}
