/**
 * Picks how the standalone helper asks for consent and shows that it is sharing: the desktop's
 * own prompt where the platform backend has one (host/platform/registry.ts: a zenity or kdialog
 * dialog on Linux when one is installed, the native window on Windows), else the controlling
 * terminal; and the indicator on the terminal plus, where the desktop has one, the always-on-top
 * indicator window. With neither a dialog nor a terminal there is
 * no way to ask, and the caller must say so and stop (consent is never assumed).
 */
import { currentSystem, desktopConsentPrompt, openSharingIndicator } from '../../platform/registry';
import type { ConsentPrompt } from './consent-prompt';
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
  /** Show the desktop's indicator window where there is one (default true). */
  indicatorWindow?: boolean;
}

export async function chooseStandaloneUi(
  onStop: () => void,
  options: ChooseOptions = {},
): Promise<StandaloneUi> {
  const env = options.env ?? process.env;
  const tty = options.tty !== undefined ? options.tty : TtyLines.openControllingTty();
  const system = { ...currentSystem(), env };
  const prompt: ConsentPrompt | null = desktopConsentPrompt(system) ?? (tty ? new TerminalPrompt(tty) : null);
  const members: SharingIndicator[] = [];
  if (tty) members.push(new TerminalIndicator(tty, onStop));
  if (options.indicatorWindow ?? true) {
    const win = await openSharingIndicator(system, onStop);
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
