/**
 * What the customer sees while anything is shared: who sees what, the security code of each
 * agent's viewer (the agent sees the same digits: different digits mean someone is in between),
 * whether the picture is paused, and a one-click (or one-key) "stop". Native mode shows it in the
 * extension's window (from host.status); standalone mode shows it in the terminal and, on an X
 * desktop, as a small always-on-top window as well. Every indicator calls the same `onStop`
 * given at creation. The words are the customer's (host/i18n/helper-text.ts).
 */
import type { Grants } from '../../../protocol/common';

/** A viewer whose end-to-end handshake is done, and its security code ("123 456"). */
export interface ViewerCode {
  agentName: string;
  sas: string;
}

export interface SharingState {
  agentNames: string[];
  grants: Grants;
  /** Secured viewers (none until a handshake is done). */
  codes?: readonly ViewerCode[];
  /** Consented, but no picture now (an agent's viewer paused it). */
  paused?: boolean;
  /** The desktop picture is replaced by a plain colour (the agent asked, the customer allowed). */
  plainBackground?: boolean;
}

/**
 * What an indicator window says, in the customer's words: its line for a state ("Lifeline:
 * sharing with Alex (code 123 456)"), the Stop button's label where the window has one (Windows),
 * and the line's ending where the whole bar is the button (X11: " - Stop").
 */
export interface IndicatorWords {
  line(state: SharingState): string;
  stop: string;
  lineStop: string;
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
