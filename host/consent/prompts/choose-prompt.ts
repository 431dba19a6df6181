/**
 * Picks how the standalone helper asks for consent and shows that it is sharing: a desktop dialog
 * when zenity or kdialog is installed (detected, never installed), else the controlling terminal;
 * and the indicator on the terminal plus, where an X display is reachable, the always-on-top X
 * window (opened through host/platform/registry.ts). With neither a dialog nor a terminal there is
 * no way to ask, and the caller must say so and stop (consent is never assumed).
 */
import { openSharingIndicatorWindow } from '../../platform/registry';
import type { ConsentPrompt } from './consent-prompt';
import { DialogPrompt, detectDialog } from './dialog-prompt';
import { IndicatorGroup, type SharingIndicator } from './sharing-indicator';
import { TerminalIndicator } from './terminal-indicator';
import { TerminalPrompt } from './terminal-prompt';
import { TtyLines } from './tty-lines';

export interface StandaloneUi {
  prompt: ConsentPrompt | null;
  indicator: SharingIndicator;
  /** The terminal, when there is one (status lines and the SAS are printed there). */
  tty: TtyLines | null;
  close(): void;
}

export interface ChooseOptions {
  env?: NodeJS.ProcessEnv;
  /** The terminal to use (tests pass one over pipes); default: /dev/tty. */
  tty?: TtyLines | null;
  /** Show the X indicator window where DISPLAY is set (default true). */
  xWindow?: boolean;
}

export async function chooseStandaloneUi(
  onStop: () => void,
  options: ChooseOptions = {},
): Promise<StandaloneUi> {
  const env = options.env ?? process.env;
  const tty = options.tty !== undefined ? options.tty : TtyLines.openControllingTty();
  const dialog = detectDialog(env);
  const prompt: ConsentPrompt | null = dialog
    ? new DialogPrompt(dialog.kind, dialog.path, env)
    : tty
      ? new TerminalPrompt(tty)
      : null;
  const members: SharingIndicator[] = [];
  if (tty) members.push(new TerminalIndicator(tty, onStop));
  if ((options.xWindow ?? true) && env.DISPLAY) {
    const win = await openSharingIndicatorWindow(env.DISPLAY, onStop);
    if (win) members.push(win);
  }
  const indicator = new IndicatorGroup(members);
  return {
    prompt,
    indicator,
    tty,
    close() {
      prompt?.close();
      indicator.close();
      tty?.close();
    },
  };
}
