/**
 * Open sockets per key (a client address, a request token's session), with a cap: one client
 * cannot hold thousands of sockets, each with its buffers, its heartbeat and its hello timer.
 * `admit` counts one socket and returns the function that uncounts it (call it once, when the
 * socket closes), or null when the key already has `max`. Memory: one number per key with at
 * least one open socket.
 */

/** Sockets one client address may hold open at once (an office behind one NAT shares it). */
export const SOCKETS_PER_ADDRESS = 256;
/** Support-page sockets one request may hold open at once (tabs of the same request). */
export const SOCKETS_PER_REQUEST = 8;

export class SocketCounts {
  private readonly counts = new Map<string, number>();

  constructor(readonly max: number) {}

  admit(key: string): (() => void) | null {
    const n = this.counts.get(key) ?? 0;
    if (n >= this.max) return null;
    this.counts.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
