/**
 * The requests of the `x11` package that the sharing indicator window uses, added to the module's
 * declarations in types/x11.d.ts (interface merging; that file stays the platform layer's).
 */
export {};

declare module 'x11' {
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
        backgroundPixel?: number;
        borderPixel?: number;
        eventMask?: number;
        overrideRedirect?: number;
      },
    ): void;
    OpenFont(fid: number, name: string): void;
    CloseFont(fid: number): void;
    CreateGC(
      gc: number,
      drawable: number,
      values: { foreground?: number; background?: number; font?: number },
    ): void;
    FreeGC(gc: number): void;
    ImageText8(drawable: number, gc: number, x: number, y: number, text: string): void;
    UnmapWindow(wid: number): void;
    RaiseWindow(wid: number): void;
    MoveResizeWindow(wid: number, x: number, y: number, width: number, height: number): void;
    ClearArea(wid: number, x: number, y: number, width: number, height: number, exposures: number): void;
  }
}
