/**
 * What the helper needs from the operating system, as small interfaces. Core helper code
 * (session, consent, encoder) sees only these; each system implements them in its own folder
 * (platform/linux/ for X11) and registry.ts picks one. Nothing here is called before consent:
 * the consent gate (host/consent/) wraps these objects.
 */
import type { ProtocolError } from '../../protocol/errors';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Monitor {
  /** Stable index for the session (0 = primary first). */
  id: number;
  name: string;
  primary: boolean;
  /** Position and size on the whole desktop, in pixels. */
  bounds: Rect;
}

/**
 * A captured picture: 32 bits per pixel, bytes B,G,R,X in memory (X11's ZPixmap on little-endian
 * machines, and Windows' DIB order), rows `stride` bytes apart. The buffer may be reused by the
 * next capture: copy what you keep.
 */
export interface PixelBuffer {
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}

export interface CursorImage {
  width: number;
  height: number;
  hotX: number;
  hotY: number;
  /** RGBA, non-premultiplied, width*height*4 bytes. */
  rgba: Uint8Array;
  /** Identifies the shape so unchanged shapes are sent once. */
  serial: number;
}

/** A block of pixels that moved on the desktop: `rect` now shows what was at (srcX, srcY), same size. */
export interface ScreenMove {
  rect: Rect;
  srcX: number;
  srcY: number;
}

export interface ScreenSource {
  /** The whole desktop's size in pixels (all monitors). */
  desktopSize(): { width: number; height: number };
  monitors(): Promise<Monitor[]>;
  /** Captures `rect` of the desktop (default: all of it) into a buffer the source reuses. */
  capture(rect?: Rect): Promise<PixelBuffer>;
  /**
   * Optional: true when, in a session, this source is captured only through the session's view
   * group (host/session/shared-screen-source.ts: the viewers' views, and the X11 overlay as the
   * group's guest), so a view may hand a lone viewer the captured frame itself, without a copy,
   * until that viewer calls releaseFrame(). (The Windows overlay captures its source directly: a
   * Windows source must not set this.)
   */
  readonly lendsFrames?: boolean;
  /** Optional: the consumer has finished reading the frame its last capture() returned. */
  releaseFrame?(): void;
  /** Calls `listener` with areas that changed since the last call (X11: XDamage). Returns unsubscribe. */
  onDamage(listener: (rects: Rect[]) => void): () => void;
  /**
   * Optional capability: calls `listener` with the moves the system itself reported (Windows: DXGI
   * Desktop Duplication's move rectangles), each call before the onDamage call of the same frame,
   * which covers every move's destination too. They are hints: several frames may pass between
   * two updates of a viewer, so a consumer checks the pixels before it sends a move as a COPY.
   * Absent where the system reports none (X11, GDI): the encoder's own move detection finds them.
   */
  onMoves?(listener: (moves: ScreenMove[]) => void): () => void;
  /** The pointer's position on the desktop. */
  pointer(): Promise<{ x: number; y: number }>;
  /** Current cursor shape, or null where the system cannot tell. */
  cursor(): Promise<CursorImage | null>;
  close(): Promise<void>;
}

export type PointerButton = 'left' | 'middle' | 'right' | 'back' | 'forward';

export interface InputSink {
  /**
   * A key by physical position (KeyboardEvent.code: 'KeyA', 'ArrowLeft', 'Numpad7', 'F5',
   * 'MetaLeft'), pressed or released, whatever the customer's keyboard layout.
   */
  key(code: string, down: boolean): Promise<void>;
  /** Types text by character (any Unicode, including é, ü, €), independent of the layout. */
  type(text: string): Promise<void>;
  /** Moves the pointer to desktop coordinates. */
  pointerMove(x: number, y: number): Promise<void>;
  /**
   * Where the pointer is now, after every call made before this one took effect (so right after
   * pointerMove it reports where the system put the pointer, clamped to the screen). Used to notice
   * the customer moving their own mouse, which takes precedence over the agent's.
   */
  pointerPosition(): Promise<{ x: number; y: number }>;
  button(button: PointerButton, down: boolean): Promise<void>;
  /** Wheel steps: positive dy scrolls down, positive dx scrolls right. */
  wheel(dx: number, dy: number): Promise<void>;
  /** Releases every key and button this sink pressed (on revoke or disconnect). */
  releaseAll(): Promise<void>;
  /**
   * Why the system would refuse injected input right now (Windows: an administrator window or a
   * secure prompt in front), read without injecting anything, so the agent is told before their
   * first click is lost; null when nothing blocks it. Absent where nothing can block input.
   */
  blockedNow?(): ProtocolError | null;
  close(): Promise<void>;
}

export interface Clipboard {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
  /** Calls `listener` when another application changes the clipboard. Returns unsubscribe. */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface DirEntry {
  name: string;
  kind: 'file' | 'directory' | 'other';
  size: number;
  modifiedMs: number;
}

/**
 * Suffix of the temporary file an upload is written to until it is checked and renamed. With a
 * part key (the transfer's id) the file is `.<name>.<key>.lifeline-part`: it belongs to that one
 * transfer, so two uploads (or two helper processes) never share one.
 */
export const PART_SUFFIX = '.lifeline-part';

export interface FileAccess {
  /** Folders to offer first (home, Desktop, Downloads, Documents where they exist). */
  places(): Promise<{ name: string; path: string }[]>;
  list(dir: string): Promise<DirEntry[]>;
  freeBytes(dir: string): Promise<number>;
  /**
   * A readable stream of the file from `offset` (for resume). `ownPart`: the file is one of the
   * helper's own part files (a hidden `.<name>.<key>.lifeline-part`, which the agent can never
   * read), opened to hash an adopted upload back; only its folder must be inside a place.
   */
  openRead(
    path: string,
    offset: number,
    ownPart?: boolean,
  ): Promise<{ size: number; read(max: number): Promise<Uint8Array | null>; close(): Promise<void> }>;
  /**
   * Writes to a temporary file inside `dir` (named with `partKey` when given, see PART_SUFFIX);
   * `commit` verifies nothing itself and renames to `name`. With `offset` > 0 the temporary file
   * must exist and is cut to `offset`: how an upload resumes, in this process or the next one.
   */
  openWrite(
    dir: string,
    name: string,
    offset: number,
    partKey?: string,
  ): Promise<{
    write(chunk: Uint8Array): Promise<void>;
    commit(): Promise<string>;
    abort(): Promise<void>;
    /** Closes the file but keeps the partial upload, so openWrite(dir, name, offset) can resume it later. */
    suspend?(): Promise<void>;
    tempPath: string;
  }>;
}

/** Everything one system provides; members are null where this system lacks the feature. */
export interface Platform {
  readonly name: string;
  screen(): Promise<ScreenSource>;
  input(): Promise<InputSink>;
  clipboard(): Promise<Clipboard>;
  files(): FileAccess;
  /** Reboots the machine (after consent) or throws a clear error where not permitted. */
  reboot(): Promise<void>;
}

/**
 * The helper's own small windows (the consent question, "type the code", a notice), described by
 * core code and drawn by each system: on top of every window and focused when they open, so the
 * customer never has to look for them behind the browser. The words arrive ready in the
 * customer's language; the system only lays them out. Checkboxes start as `checked` says and are
 * ticked by the customer only; buttons report what the customer did.
 */
export interface DialogCheck {
  id: string;
  label: string;
  checked: boolean;
}

export interface DialogButton {
  id: string;
  label: string;
  /** The button Enter presses (drawn as the main one). */
  primary?: boolean;
  /** Disabled until at least one box is ticked ("Allow" with nothing ticked means nothing). */
  needsCheck?: boolean;
}

export interface DialogSpec {
  /** The window's title (the window manager's title bar and task list). */
  title: string;
  /** The first line, in bold. */
  heading: string;
  /** Paragraphs, wrapped to the window's width. */
  text: readonly string[];
  checks?: readonly DialogCheck[];
  /** One line of text to type (the join code), with what it may contain. */
  field?: { label: string; value: string; maxChars: number; allowed: 'digits' };
  /** A problem to fix, shown in red under the text (null: none). */
  error?: string | null;
  buttons: readonly DialogButton[];
  /** The button Escape presses; without one, Escape closes the window like its close box. */
  cancel?: string;
  /** Buttons are disabled (while connecting). */
  busy?: boolean;
  /**
   * A window the customer uses when they like (the file offer), not a question they are waiting
   * for: it opens behind the window in front, without the keyboard, and is not kept above other
   * windows, so the agent's keys and clicks still reach the customer's application.
   */
  inBackground?: boolean;
}

export type DialogAction =
  | {
      kind: 'button';
      button: string;
      checks: Readonly<Record<string, boolean>>;
      field: string;
    }
  /** The customer closed the window (its close box, or Escape without a cancel button). */
  | { kind: 'closed' };

export interface Dialog {
  /**
   * Replaces what the window shows. The customer's ticks and typed text stay (a spec's `checked`
   * and `value` apply when the window opens, and to boxes or a field it did not have before).
   */
  update(spec: DialogSpec): void;
  close(): void;
}

export interface DialogHost {
  /**
   * Opens a dialog on top of every window, focused (unless `inBackground`); `onAction` hears every
   * button and the close.
   */
  open(spec: DialogSpec, onAction: (action: DialogAction) => void): Promise<Dialog>;
  /** Closes every dialog and the host's connection to the desktop. */
  close(): Promise<void>;
}

/**
 * The system's own "open a file" chooser, for the customer to pick a file to offer the agent
 * (host/session/file-transfer/offer-window.ts). It runs without blocking the helper's event loop
 * (the session goes on while the customer browses). The customer picks; nothing is read here.
 */
export interface FileChooser {
  /**
   * Shows the chooser (titled `title`, opening in `startDir`) and resolves with the chosen file's
   * absolute path, or null when the customer cancelled. Rejects when the chooser could not be
   * shown at all (the message says why).
   */
  choose(options: { title: string; startDir: string }): Promise<string | null>;
}

/** A colour as 8-bit red, green and blue. */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/**
 * What the desktop background was before the helper changed it, enough to put it back exactly:
 * which implementation read it (`kind`) and that implementation's own fields, JSON-safe strings
 * only, because it is kept on disk until the restore is done (a crash restores at the next start).
 */
export interface BackgroundSnapshot {
  kind: string;
  values: Record<string, string>;
}

/**
 * The desktop's wallpaper, replaced by a plain colour during a session and put back afterwards
 * (host/session/plain-background/). `read` comes first, `setPlain` next, `restore(snapshot)` at the
 * end; `restore` is also called by a later process with a snapshot read from disk, so it depends on
 * nothing but the snapshot. Every method throws a ProtocolError with a stable code on failure.
 */
export interface DesktopBackground {
  /** Which implementation ("x11-root", "gnome", "kde", "windows"): the snapshot's kind. */
  readonly kind: string;
  read(): Promise<BackgroundSnapshot>;
  setPlain(color: Rgb): Promise<void>;
  restore(snapshot: BackgroundSnapshot): Promise<void>;
}

/** This desktop's background, or why it cannot be changed (in words for the agent). */
export type DesktopBackgroundChoice =
  { ok: true; background: DesktopBackground } | { ok: false; reason: string };
