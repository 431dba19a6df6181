/**
 * The requests of the `x11` package (4.2.2) that the drawing overlay uses, added to the module's
 * declarations in types/x11.d.ts by interface merging (that file stays the platform layer's).
 * SHAPE is the package's lib/ext/shape.js: rectangles are [x, y, width, height] tuples.
 */
export {};

declare module 'x11' {
  interface ShapeExtension extends XExtensionBase {
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

  interface ExtensionMap {
    shape: ShapeExtension;
  }

  interface XClient {
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
        eventMask?: number;
        overrideRedirect?: number;
      },
    ): void;
    ConfigureWindow(
      wid: number,
      values: { x?: number; y?: number; sibling?: number; stackMode?: number },
    ): void;
    GetWindowAttributes(wid: number, cb: XCallback<{ mapState: number; overrideRedirect: number }>): void;
    CreateGC(
      gc: number,
      drawable: number,
      values: { foreground?: number; background?: number; font?: number; graphicsExposures?: number },
    ): void;
    ChangeGC(gc: number, values: { foreground?: number; font?: number }): void;
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
    PolyText8(drawable: number, gc: number, x: number, y: number, items: string[]): void;
    RaiseWindow(wid: number): void;
    /** `children`: the window's children in stacking order, bottom first. */
    QueryTree(wid: number, cb: XCallback<{ root: number; parent: number; children: number[] }>): void;
  }
}
