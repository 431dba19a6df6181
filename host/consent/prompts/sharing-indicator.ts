/**
 * What the customer sees while anything is shared: who sees what, and a one-click (or one-key)
 * "stop". Native mode shows it in the extension's window (from host.status); standalone mode
 * shows it in the terminal and, on an X desktop, as a small always-on-top window as well. Every
 * indicator calls the same `onStop` given at creation.
 */
import type { Grants } from '../../../protocol/common';

export interface SharingState {
  agentNames: string[];
  grants: Grants;
}

export interface SharingIndicator {
  /** Shows (or updates) the indicator; called again on every change. */
  show(state: SharingState): void;
  hide(): void;
  close(): void;
}

/** Several indicators as one (terminal line + X window). */
export class IndicatorGroup implements SharingIndicator {
  constructor(private readonly members: SharingIndicator[]) {}

  show(state: SharingState): void {
    for (const m of this.members) m.show(state);
  }

  hide(): void {
    for (const m of this.members) m.hide();
  }

  close(): void {
    for (const m of this.members) m.close();
  }
}

/** "Alex Agent", "Alex Agent and Sam", "the support agent". */
export function namesText(names: string[]): string {
  if (names.length === 0) return 'the support agent';
  if (names.length === 1) return names[0]!;
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}
