/**
 * The part of the pure-JS `x11` client (x11@4.2.2, no types of its own) that Lifeline uses: the
 * Linux platform layer (host/platform/linux/), the consent sharing indicator window
 * (host/consent/prompts/) and the drawing overlay (host/overlay/). One declaration for all, so a
 * request has one signature. Callbacks follow the package's convention: `(err, result)`, and a callback
 * that handles an error returns true (otherwise the client also emits 'error'). Events are read
 * from `rawData` (the 32 wire bytes) by our own parsers, so their parsed fields are not declared.
 */
declare module 'x11' {
  import type { EventEmitter } from 'node:events';

  export type XCallback<T> = (err: XError | null | undefined, result: T) => boolean | void;

  export interface XError extends Error {
    /** X error code (BadWindow = 3, BadMatch = 8, BadAccess = 10, ...). */
    error: number;
    seq: number;
    badParam: number;
    majorOpcode: number;
    minorOpcode: number;
  }

  export interface XVisual {
    vid: number;
    class: number;
    bits_per_rgb: number;
    red_mask: number;
    green_mask: number;
    blue_mask: number;
  }

  export interface XScreen {
    root: number;
    root_visual: number;
    root_depth: number;
    pixel_width: number;
    pixel_height: number;
    white_pixel: number;
    black_pixel: number;
    /** depth -> visual id -> visual */
    depths: Record<number, Record<number, XVisual>>;
  }

  export interface XDisplayInfo {
    screen: XScreen[];
    /** In 4-byte units; after BIG-REQUESTS the extended maximum. */
    max_request_length: number;
    min_keycode: number;
    max_keycode: number;
    /** 0 = LSBFirst, 1 = MSBFirst */
    image_byte_order: number;
    /** depth -> pixmap format */
    format: Record<number, { bits_per_pixel: number; scanline_pad: number }>;
    vendor: string;
    release: number;
    isLocalSocket: boolean;
    client: XClient;
  }

  export interface XEvent {
    type: number;
    seq: number;
    name?: string;
    /** The event's wire bytes (32 for core and most extension events). */
    rawData: Buffer;
  }

  export interface XExtensionBase {
    present: boolean;
    majorOpcode: number;
    firstEvent: number;
    firstError: number;
  }

  export interface ShmSegment {
    shmseg: number;
    size: number;
    buffer: Buffer;
    /** True when `buffer` aliases the server's memory (a mapping provider); false when it is a copy. */
    zeroCopy: boolean;
    getImage(
      drawable: number,
      x: number,
      y: number,
      width: number,
      height: number,
      planeMask: number,
      format: number,
      offset: number,
      cb: XCallback<{ depth: number; visual: number; size: number }>,
    ): void;
    detach(cb?: () => void): void;
  }

  export interface ShmExtension extends XExtensionBase {
    major: number;
    minor: number;
    provider: unknown;
    fdCapable: boolean;
    usable(cb: (err: Error | null, ok: boolean) => void): void;
    createSegment(size: number, cb: (err: Error | null, seg: ShmSegment) => void): void;
  }

  export interface DamageExtension extends XExtensionBase {
    ReportLevel: { RawRectangles: 0; DeltaRectangles: 1; BoundingBox: 2; NonEmpty: 3 };
    Create(damage: number, drawable: number, reportLevel: number): void;
    Destroy(damage: number): void;
    Subtract(damage: number, repair: number, parts: number): void;
  }

  export interface FixesCursorImage {
    x: number;
    y: number;
    width: number;
    height: number;
    xhot: number;
    yhot: number;
    cursorSerial: number;
    /** width*height ARGB32 pixels (server byte order), premultiplied alpha. */
    cursorImage: Buffer;
  }

  export interface FixesExtension extends XExtensionBase {
    major: number;
    minor: number;
    SelectionEventMask: { SetSelectionOwner: 1; SelectionWindowDestroy: 2; SelectionClientClose: 4 };
    SelectSelectionInput(window: number, selection: number, eventMask: number): void;
    GetCursorImage(cb: XCallback<FixesCursorImage>): void;
  }

  export interface XTestExtension extends XExtensionBase {
    KeyPress: 2;
    KeyRelease: 3;
    ButtonPress: 4;
    ButtonRelease: 5;
    MotionNotify: 6;
    FakeInput(type: number, detail: number, time: number, window: number, x: number, y: number): void;
  }

  export interface RandrExtension extends XExtensionBase {
    major_version: number;
    minor_version: number;
    NotifyMask: { ScreenChange: number };
    SelectInput(window: number, mask: number): void;
  }

  /** SHAPE is the package's lib/ext/shape.js: rectangles are [x, y, width, height] tuples. */
  export interface ShapeExtension extends XExtensionBase {
    Kind: { Bounding: 0; Clip: 1; Input: 2 };
    Op: { Set: 0; Union: 1; Intersect: 2; Subtract: 3; Invert: 4 };
    Ordering: { Unsorted: 0; YSorted: 1; YXSorted: 2; YXBanded: 3 };
    QueryVersion(cb: XCallback<[number, number]>): void;
    Rectangles(
      op: number,
      kind: number,
      window: number,
      x: number,
      y: number,
      rectangles: [number, number, number, number][],
      ordering?: number,
    ): void;
  }

  export interface ExtensionMap {
    shm: ShmExtension;
    damage: DamageExtension;
    fixes: FixesExtension;
    xtest: XTestExtension;
    randr: RandrExtension;
    shape: ShapeExtension;
  }

  export interface QueryPointerReply {
    root: number;
    child: number;
    rootX: number;
    rootY: number;
    keyMask: number;
  }

  export interface GetPropertyReply {
    type: number;
    format: number;
    bytesAfter: number;
    data: Buffer;
  }

  /** Internal output queue; extension requests are packed by hand onto it. */
  export interface XPackStream {
    put(buf: Buffer): void;
    submit(expectsReply?: boolean): boolean;
  }

  export interface XClient extends EventEmitter {
    display: XDisplayInfo;
    seq_num: number;
    pack_stream: XPackStream;
    /** seq -> [unpack(replyBody, headerByte1), callback] */
    replies: Record<number, [((buf: Buffer, opt: number) => unknown) | null, XCallback<unknown>]>;

    require<K extends keyof ExtensionMap>(
      name: K,
      cb: (err: Error | null, ext: ExtensionMap[K]) => void,
    ): void;
    AllocID(): number;
    ReleaseID(id: number): void;
    sync(cb: (err: Error | null) => void): void;
    close(cb?: (err?: Error) => void): void;
    terminate(): void;

    CreateWindow(
      id: number,
      parent: number,
      x: number,
      y: number,
      width: number,
      height: number,
      borderWidth: number,
      depth: number,
      cls: number,
      visual: number,
      values: {
        backgroundPixmap?: number;
        backgroundPixel?: number;
        borderPixel?: number;
        eventMask?: number;
        overrideRedirect?: number;
      },
    ): void;
    ChangeWindowAttributes(
      wid: number,
      values: { eventMask?: number; backgroundPixel?: number; backgroundPixmap?: number },
      cb?: XCallback<void>,
    ): void;
    DestroyWindow(wid: number): void;
    MapWindow(wid: number): void;
    UnmapWindow(wid: number): void;
    RaiseWindow(wid: number): void;
    MoveResizeWindow(wid: number, x: number, y: number, width: number, height: number): void;
    ConfigureWindow(
      wid: number,
      values: {
        x?: number;
        y?: number;
        width?: number;
        height?: number;
        sibling?: number;
        stackMode?: number;
      },
    ): void;
    GetWindowAttributes(wid: number, cb: XCallback<{ mapState: number; overrideRedirect: number }>): void;
    /** `children`: the window's children in stacking order, bottom first. */
    QueryTree(wid: number, cb: XCallback<{ root: number; parent: number; children: number[] }>): void;
    ClearArea(wid: number, x: number, y: number, width: number, height: number, exposures: number): void;
    CreateGC(
      gc: number,
      drawable: number,
      values: { foreground?: number; background?: number; font?: number; graphicsExposures?: number },
    ): void;
    ChangeGC(gc: number, values: { foreground?: number; background?: number; font?: number }): void;
    FreeGC(gc: number): void;
    /** `coords`: x, y, width, height of each rectangle, flat. */
    PolyFillRectangle(drawable: number, gc: number, coords: number[]): void;
    CreatePixmap(pid: number, drawable: number, depth: number, width: number, height: number): void;
    FreePixmap(pid: number): void;
    OpenFont(fid: number, name: string): void;
    CloseFont(fid: number): void;
    ListFonts(pattern: string, max: number, cb: XCallback<string[]>): void;
    QueryTextExtents(
      font: number,
      text: string,
      cb: XCallback<{
        fontAscent: number;
        fontDescent: number;
        overallAscent: number;
        overallDescent: number;
        overallWidth: number;
        overallLeft: number;
        overallRight: number;
      }>,
    ): void;
    ImageText8(drawable: number, gc: number, x: number, y: number, text: string): void;
    PolyText8(drawable: number, gc: number, x: number, y: number, items: string[]): void;
    /** Items are drawn as CHAR2B (UCS-2): for iso10646-1 fonts. */
    PolyText16(drawable: number, gc: number, x: number, y: number, items: string[]): void;
    CopyArea(
      src: number,
      dst: number,
      gc: number,
      srcX: number,
      srcY: number,
      dstX: number,
      dstY: number,
      width: number,
      height: number,
    ): void;
    InternAtom(onlyIfExists: boolean, name: string, cb: XCallback<number>): void;
    GetAtomName(atom: number, cb: XCallback<string>): void;
    ChangeProperty(
      mode: number,
      wid: number,
      name: number,
      type: number,
      format: number,
      data: Buffer | number[],
      cb?: XCallback<void>,
    ): void;
    DeleteProperty(wid: number, prop: number, cb?: XCallback<void>): void;
    GetProperty(
      del: number,
      wid: number,
      name: number,
      type: number,
      longOffset: number,
      longLength: number,
      cb: XCallback<GetPropertyReply>,
    ): void;
    SetSelectionOwner(owner: number, selection: number, time: number, cb?: XCallback<void>): void;
    GetSelectionOwner(selection: number, cb: XCallback<number>): void;
    ConvertSelection(
      requestor: number,
      selection: number,
      target: number,
      property: number,
      time: number,
      cb?: XCallback<void>,
    ): void;
    SendEvent(
      destination: number,
      propagate: number,
      eventMask: number,
      event: Buffer,
      cb?: XCallback<void>,
    ): void;
    QueryPointer(wid: number, cb: XCallback<QueryPointerReply>): void;
    QueryKeymap(cb: XCallback<Buffer>): void;
    /** revertTo: 0 None, 1 PointerRoot, 2 Parent */
    SetInputFocus(wid: number, revertTo: number, cb?: XCallback<void>): void;
    GetInputFocus(cb: XCallback<{ focus: number }>): void;
    GetImage(
      format: number,
      drawable: number,
      x: number,
      y: number,
      width: number,
      height: number,
      planeMask: number,
      cb: XCallback<{ depth: number; visualId: number; data: Buffer }>,
    ): void;
    GetGeometry(
      drawable: number,
      cb: XCallback<{ width: number; height: number; xPos: number; yPos: number }>,
    ): void;
    GetKeyboardMapping(first: number, count: number, cb: XCallback<number[][]>): void;
    ChangeKeyboardMapping(
      first: number,
      keysymsPerKeycode: number,
      keysyms: number[],
      cb?: XCallback<void>,
    ): void;
    GetModifierMapping(cb: XCallback<number[][]>): void;
  }

  export function createClient(
    options: { display?: string; shm?: boolean | 'off' | object; disableBigRequests?: boolean },
    cb: (err: Error | null | undefined, display: XDisplayInfo) => void,
  ): XClient;

  export const eventMask: Record<string, number>;
}

/** X.Org's keysymdef.h as data: XK_name -> keysym code and, for characters, "(c) NAME". */
declare module 'x11/lib/keysyms.js' {
  const table: Record<string, { code: number; description: string | null } | number>;
  export default table;
}
