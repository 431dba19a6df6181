/**
 * An http.Agent that reaches the server through an HTTP proxy's CONNECT tunnel: it opens a TCP
 * connection to the proxy, asks `CONNECT host:port` (with Basic credentials when the proxy URL
 * has them), and once the proxy answers 2xx hands the tunnel to the WebSocket, wrapped in TLS for
 * wss (the proxy sees only ciphertext: end-to-end TLS with the server, whose certificate is
 * checked as usual). A refusal (407 without credentials, 403, 502...) or a proxy that does not
 * answer fails the connection with a message that names the proxy and its answer. The proxy's
 * answer is read with a size limit before anything is allocated for it.
 */
import { Agent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/** Longest proxy answer to CONNECT (status line and headers), in bytes. */
const CONNECT_REPLY_MAX_BYTES = 16 * 1024;
/** How long the proxy may take to open the tunnel, in ms. */
const CONNECT_TIMEOUT_MS = 10_000;

export class ProxyTunnelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyTunnelError';
  }
}

type Callback = (err: Error | null, socket?: Duplex) => void;

/** Where the proxy is, without the credentials ("http://proxy:3128"), for messages and logs. */
export function proxyLabel(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

export class TunnelAgent extends Agent {
  /** https.request accepts only an agent that says it speaks https (wss goes through it). */
  readonly protocol: 'http:' | 'https:';

  constructor(
    private readonly proxy: URL,
    /** TLS options for the server's connection inside the tunnel (wss), e.g. extra CAs. */
    private readonly tlsOptions: tls.ConnectionOptions | null,
    options: AgentOptions = {},
  ) {
    super({ keepAlive: false, ...options });
    this.protocol = tlsOptions ? 'https:' : 'http:';
  }

  override createConnection(options: ClientRequestArgs, callback: Callback): Duplex | undefined {
    const host = String(options.hostname ?? options.host ?? '').replace(/^\[|\]$/g, '');
    const port = Number(options.port) || (this.tlsOptions ? 443 : 80);
    this.tunnel(host, port)
      .then((socket) => {
        if (!this.tlsOptions) return callback(null, socket);
        const secure = tls.connect({
          ...this.tlsOptions,
          socket,
          // The certificate is checked against the server's name (or IP), not the proxy's.
          host,
          ...(net.isIP(host) ? {} : { servername: host }),
        });
        const fail = (err: Error) => callback(err);
        secure.once('error', fail);
        secure.once('secureConnect', () => {
          secure.off('error', fail);
          callback(null, secure);
        });
      })
      .catch((err: Error) => callback(err));
    return undefined;
  }

  private tunnel(host: string, port: number): Promise<net.Socket> {
    const proxy = this.proxy;
    const label = proxyLabel(proxy);
    return new Promise((resolve, reject) => {
      const socket = net.connect({
        host: proxy.hostname.replace(/^\[|\]$/g, ''),
        port: Number(proxy.port) || 80,
      });
      let reply = Buffer.alloc(0);
      const timer = setTimeout(
        () =>
          done(
            new ProxyTunnelError(
              `the proxy ${label} did not open a tunnel within ${CONNECT_TIMEOUT_MS / 1000} s`,
            ),
          ),
        CONNECT_TIMEOUT_MS,
      );
      const done = (err: Error | null) => {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
        if (err) {
          socket.destroy();
          reject(err);
        } else resolve(socket);
      };
      const onError = (err: Error) =>
        done(new ProxyTunnelError(`could not reach the proxy ${label}: ${err.message}`));
      const onClose = () => done(new ProxyTunnelError(`the proxy ${label} closed the connection`));
      const onData = (chunk: Buffer) => {
        reply = Buffer.concat([reply, chunk]);
        const end = reply.indexOf('\r\n\r\n');
        if (end < 0) {
          if (reply.length > CONNECT_REPLY_MAX_BYTES)
            done(new ProxyTunnelError(`the proxy ${label} answered too much`));
          return;
        }
        const status = /^HTTP\/1\.[01] (\d{3})(?: ([^\r\n]*))?/.exec(
          reply.subarray(0, end).toString('latin1'),
        );
        if (!status) return done(new ProxyTunnelError(`the proxy ${label} did not answer in HTTP`));
        const code = Number(status[1]);
        if (code < 200 || code > 299) {
          return done(
            new ProxyTunnelError(
              `the proxy ${label} refused the tunnel to ${host}:${port}: ${code} ${status[2] ?? ''}`.trim(),
            ),
          );
        }
        // Bytes after the answer belong to the tunnel (the server spoke first): give them back.
        const rest = reply.subarray(end + 4);
        done(null);
        if (rest.length > 0) socket.unshift(rest);
      };
      socket.on('data', onData);
      socket.once('error', onError);
      socket.once('close', onClose);
      socket.once('connect', () => {
        const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
        const auth =
          proxy.username || proxy.password
            ? `Proxy-Authorization: Basic ${Buffer.from(
                `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`,
              ).toString('base64')}\r\n`
            : '';
        socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
      });
    });
  }
}
