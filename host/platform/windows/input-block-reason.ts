/**
 * Why Windows refused injected input, in words the agent can act on. SendInput reports fewer
 * events sent (and nothing else) when User Interface Privilege Isolation blocks it: the window in
 * front belongs to a process more privileged than the helper (an administrator program), or the
 * input desktop is not the customer's normal one (the secure desktop of a UAC prompt, Ctrl+Alt+Del
 * or the lock screen), which no user program may reach. Which one is read at the moment of the
 * refusal through a small facade (injectable, so the decision is tested without Windows):
 *   - the input desktop cannot be opened, or is not "Default": the secure desktop;
 *   - else the foreground window's process is elevated and the helper is not: an administrator
 *     program;
 *   - else: unknown (the caller keeps its general message).
 */
import { ProtocolError } from '../../../protocol/errors';
import { win32 } from './win32';

export type InputBlockReason = 'secure_desktop' | 'elevated_window';

/** What the decision reads from Windows. */
export interface InputBlockFacade {
  /** The input desktop's name ("Default" normally), or null when it cannot be opened. */
  inputDesktopName(): string | null;
  /** Whether the foreground window's process is elevated; null when unknown (no foreground window). */
  foregroundElevated(): boolean | null;
  /** Whether the helper itself runs elevated. */
  selfElevated(): boolean;
}

/** The customer's normal desktop (winsta0\Default). */
const NORMAL_DESKTOP = 'Default';

export function inputBlockReason(w: InputBlockFacade): InputBlockReason | null {
  const desktop = w.inputDesktopName();
  if (desktop === null || desktop.toLowerCase() !== NORMAL_DESKTOP.toLowerCase()) return 'secure_desktop';
  if (w.foregroundElevated() === true && !w.selfElevated()) return 'elevated_window';
  return null;
}

const WORDS: Record<
  InputBlockReason,
  { code: 'input_blocked_secure_desktop' | 'input_blocked_elevated'; message: string }
> = {
  secure_desktop: {
    code: 'input_blocked_secure_desktop',
    message:
      "The customer's screen shows a secure Windows prompt (an administrator prompt, Ctrl+Alt+Del or the lock screen), " +
      'which the helper may not see or control: ask the customer to answer it',
  },
  elevated_window: {
    code: 'input_blocked_elevated',
    message:
      'The window in front on the customer\u2019s screen belongs to a program running as administrator, which a helper ' +
      'that is not elevated may not control: ask the customer to use it, or to bring another window to the front',
  },
};

/** The error to report for a refusal, or null when the reason is unknown. */
export function inputBlockedError(w: InputBlockFacade): ProtocolError | null {
  const reason = inputBlockReason(w);
  if (!reason) return null;
  const { code, message } = WORDS[reason];
  return new ProtocolError(code, message, { reason });
}

const DESKTOP_READOBJECTS = 0x1;
const UOI_NAME = 2;
const NAME_BYTES = 512;
const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
const TOKEN_QUERY = 0x8;
const TOKEN_ELEVATION = 20;

function processElevated(process: unknown): boolean | null {
  const { advapi32, kernel32 } = win32();
  const token: unknown[] = [null];
  if (!advapi32.OpenProcessToken(process, TOKEN_QUERY, token) || !token[0]) return null;
  try {
    const info = new Uint8Array(4);
    const needed = [0];
    if (!advapi32.GetTokenInformation(token[0], TOKEN_ELEVATION, info, 4, needed)) return null;
    return new DataView(info.buffer).getUint32(0, true) !== 0;
  } finally {
    kernel32.CloseHandle(token[0]);
  }
}

/** The facade over the real Win32 functions (win32.ts). */
export const win32InputBlockFacade: InputBlockFacade = {
  inputDesktopName() {
    const { user32 } = win32();
    const desk = user32.OpenInputDesktop(0, 0, DESKTOP_READOBJECTS);
    if (!desk) return null;
    try {
      const name = new Uint8Array(NAME_BYTES);
      const needed = [0];
      if (!user32.GetUserObjectInformationW(desk, UOI_NAME, name, NAME_BYTES, needed)) return null;
      const text = Buffer.from(name.buffer).toString('utf16le');
      const end = text.indexOf('\0');
      return end < 0 ? text : text.slice(0, end);
    } finally {
      user32.CloseDesktop(desk);
    }
  },
  foregroundElevated() {
    const { user32, kernel32 } = win32();
    const hwnd = user32.GetForegroundWindow();
    if (!hwnd) return null;
    const pid = [0];
    user32.GetWindowThreadProcessId(hwnd, pid);
    if (!pid[0]) return null;
    const process = kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid[0]);
    if (!process) return null;
    try {
      return processElevated(process);
    } finally {
      kernel32.CloseHandle(process);
    }
  },
  selfElevated() {
    return processElevated(win32().kernel32.GetCurrentProcess()) === true;
  },
};
