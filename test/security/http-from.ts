/**
 * HTTP requests from a chosen local address (127.x.y.z: many clients on one machine) and with
 * chosen headers (X-Forwarded-For), which fetch cannot do: node:http with `localAddress`.
 */
import { request } from 'node:http';

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // The tests read fields off replies they then assert on; the shape is what is under test.
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function httpFrom(
  method: string,
  url: string,
  options: { localAddress?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<HttpReply> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        headers: {
          ...(body !== undefined
            ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
