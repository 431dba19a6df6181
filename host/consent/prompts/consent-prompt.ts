/**
 * How the standalone helper asks the customer for consent, and the words it uses. One prompt asks
 * for every capability an agent requests, each answered separately (view, control, clipboard,
 * files, reboot); whatever is not explicitly allowed stays refused. Native mode never uses these:
 * there the extension's window asks and calls the controller's consent().
 */
import { NO_GRANTS, type Grants } from '../../../protocol/common';

export type Capability = keyof Grants;

export const CAPABILITIES: readonly Capability[] = ['view', 'control', 'clipboard', 'files', 'reboot'];

/** What the customer is asked to allow, one line each (also the dialog's checklist rows). */
export const CAPABILITY_TEXT: Readonly<Record<Capability, string>> = {
  view: 'see your screen',
  control: 'control your mouse and keyboard',
  clipboard: 'read and write your clipboard',
  files: 'send and receive files',
  reboot: 'restart this computer (the session comes back after the restart)',
};

export interface ConsentRequest {
  agentName: string;
  requested: Grants;
}

export interface ConsentPrompt {
  /** Where the question appears: a desktop dialog, a native window or the terminal. */
  readonly kind: 'zenity' | 'kdialog' | 'window' | 'terminal';
  /** Asks; resolves with what the customer allowed (nothing, when they cancel or close it). */
  ask(request: ConsentRequest): Promise<Grants>;
  close(): void;
}

/** The capabilities of `requested` that are asked, in a fixed order. */
export function requestedCapabilities(requested: Grants): Capability[] {
  return CAPABILITIES.filter((c) => requested[c]);
}

/** Grants from the names the customer ticked, limited to what was requested. */
export function grantsFrom(allowed: Iterable<string>, requested: Grants): Grants {
  const grants = { ...NO_GRANTS };
  for (const name of allowed) {
    if ((CAPABILITIES as readonly string[]).includes(name) && requested[name as Capability]) {
      grants[name as Capability] = true;
    }
  }
  return grants;
}

/** Short list for status lines: "screen, control". */
export function describeGrants(grants: Grants): string {
  const words: Record<Capability, string> = {
    view: 'screen',
    control: 'control',
    clipboard: 'clipboard',
    files: 'files',
    reboot: 'reboot',
  };
  const on = CAPABILITIES.filter((c) => grants[c]).map((c) => words[c]);
  return on.length > 0 ? on.join(', ') : 'nothing';
}
