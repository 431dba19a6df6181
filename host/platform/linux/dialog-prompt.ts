/**
 * The consent question as a desktop dialog, where one is installed: zenity (GNOME and most
 * desktops) or kdialog (KDE). Detected on PATH, never installed. The dialog is a checklist with
 * one row per requested capability, all unticked, so only what the customer ticks is allowed;
 * Cancel or closing the window allows nothing. Programs run without a shell, with the agent's
 * name escaped for the dialogs' markup (Pango for zenity, Qt rich text for kdialog).
 */
import { execFile, type ChildProcess } from 'node:child_process';
import type { Grants } from '../../../protocol/common';
import {
  CAPABILITY_TEXT,
  grantsFrom,
  requestedCapabilities,
  type ConsentPrompt,
  type ConsentRequest,
} from '../../consent/prompts/consent-prompt';
import { findProgram } from './find-program';

/** Largest dialog output read, in bytes (a few capability names). */
const DIALOG_OUTPUT_MAX_BYTES = 4096;
/** Exit code of both programs when the customer cancels or closes the dialog. */
const EXIT_CANCELLED = 1;

export type DialogKind = 'zenity' | 'kdialog';

/** The first dialog program found, or null (also null without a display to show it on). */
export function detectDialog(
  env: NodeJS.ProcessEnv = process.env,
): { kind: DialogKind; path: string } | null {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return null;
  for (const kind of ['zenity', 'kdialog'] as const) {
    const found = findProgram(kind, env);
    if (found) return { kind, path: found };
  }
  return null;
}

function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function questionText(agentName: string): string {
  return `${escapeMarkup(agentName)} (support agent) asks to:\nTick what you allow. You can stop at any time.`;
}

/** Arguments for zenity or kdialog; exported for tests. */
export function dialogArgs(kind: DialogKind, request: ConsentRequest): string[] {
  const caps = requestedCapabilities(request.requested);
  const text = questionText(request.agentName);
  if (kind === 'zenity') {
    return [
      '--list',
      '--checklist',
      '--title=Lifeline: screen sharing',
      `--text=${text}`,
      '--column=Allow',
      '--column=Capability',
      '--column=What',
      '--hide-column=2',
      '--print-column=2',
      '--separator=\n',
      '--width=560',
      '--height=320',
      ...caps.flatMap((c) => ['FALSE', c, CAPABILITY_TEXT[c]]),
    ];
  }
  return [
    '--title',
    'Lifeline: screen sharing',
    '--separate-output',
    '--checklist',
    text,
    ...caps.flatMap((c) => [c, CAPABILITY_TEXT[c], 'off']),
  ];
}

/** What the dialog printed: one capability name per line (kdialog may quote them). */
export function parseDialogOutput(stdout: string, requested: Grants): Grants {
  const names = stdout
    .split(/[\n,]/)
    .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
    .filter(Boolean);
  return grantsFrom(names, requested);
}

export class DialogPrompt implements ConsentPrompt {
  private child: ChildProcess | null = null;

  constructor(
    readonly kind: DialogKind,
    private readonly program: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  ask(request: ConsentRequest): Promise<Grants> {
    return new Promise((resolve, reject) => {
      this.child = execFile(
        this.program,
        dialogArgs(this.kind, request),
        { env: this.env, maxBuffer: DIALOG_OUTPUT_MAX_BYTES, windowsHide: true },
        (err, stdout) => {
          this.child = null;
          if (!err) return resolve(parseDialogOutput(String(stdout), request.requested));
          const code = (err as { code?: unknown }).code;
          if (code === EXIT_CANCELLED) return resolve(grantsFrom([], request.requested));
          reject(new Error(`${this.kind} failed: ${err.message}`));
        },
      );
    });
  }

  close(): void {
    this.child?.kill('SIGTERM');
    this.child = null;
  }
}
