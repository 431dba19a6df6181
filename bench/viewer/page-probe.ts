/**
 * Instruments the viewer page for the benchmark (installed before the page's own scripts): the
 * main thread's time spent on each message from the decoder worker that carried an update
 * (checking it, painting it, sealing the ack), the moment each update is painted on the picture
 * canvas, and the moment each keydown reaches the page. Times are epoch milliseconds
 * (performance.timeOrigin + performance.now()), comparable with the benchmark process's clock.
 *
 * Plain JavaScript in a string: puppeteer sends it to the page as source, and a transpiler's
 * helpers (which a function's source might reference) would not exist there.
 */

export interface ProbeData {
  /** Main-thread ms per worker message that carried a painted update. */
  updateMs: number[];
  /** Epoch ms of each paint on the picture canvas. */
  paints: number[];
  /** Epoch ms of each keydown the page received. */
  keys: number[];
}

export const PROBE_SCRIPT = `(() => {
  const probe = { updateMs: [], paints: [], keys: [] };
  window.__viewerProbe = probe;
  const now = () => performance.timeOrigin + performance.now();
  const put = CanvasRenderingContext2D.prototype.putImageData;
  CanvasRenderingContext2D.prototype.putImageData = function (...args) {
    put.apply(this, args);
    if (this.canvas.classList.contains('picture')) probe.paints.push(now());
  };
  window.addEventListener('keydown', (e) => probe.keys.push(performance.timeOrigin + e.timeStamp), true);
  const desc = Object.getOwnPropertyDescriptor(Worker.prototype, 'onmessage');
  Object.defineProperty(Worker.prototype, 'onmessage', {
    configurable: true,
    get() {
      return desc.get.call(this);
    },
    set(handler) {
      desc.set.call(this, handler ? function (ev) {
        const t0 = performance.now();
        handler.call(this, ev);
        if (ev.data && Array.isArray(ev.data.rects)) probe.updateMs.push(performance.now() - t0);
      } : null);
    },
  });
})();`;
