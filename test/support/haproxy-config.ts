/**
 * The HAProxy configuration docs/deployment.md gives (its ```haproxy block), made runnable on
 * loopback: the public port, the test's certificate, and the documented `server` lines pointed at
 * the test's nodes in order (a deployment of fewer nodes keeps the first lines only, as the doc
 * says). Read from the doc so the doc stays true. `adminSocket` adds HAProxy's runtime socket
 * (not in the doc) so a test can read which nodes the balancer holds up or down.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { selfSignedCert } from './self-signed-cert';

/** The documented server lines: `server node1 10.0.0.11:8200`, `node2 10.0.0.12`, ... */
const SERVER_LINE = /^\s*server (node\d+) 10\.0\.0\.1\d:8200\b.*$/gm;

export interface DocumentedConfig {
  /** The port HAProxy binds on 127.0.0.1 (TLS). */
  port: number;
  /** A PEM file holding the certificate and its key (`certificatePem`). */
  pem: string;
  /** The nodes' ports on 127.0.0.1, in the order of the doc's `server` lines. */
  nodePorts: number[];
  adminSocket?: string;
}

export function documentedHaproxyBlock(): string {
  const doc = readFileSync('docs/deployment.md', 'utf8');
  const block = /```haproxy\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error('docs/deployment.md has no ```haproxy block');
  return block[1]!;
}

/** The documented `server` names, in order (node1, node2, ...). */
export function documentedServerNames(): string[] {
  return [...documentedHaproxyBlock().matchAll(SERVER_LINE)].map((m) => m[1]!);
}

export function documentedHaproxyConfig(o: DocumentedConfig): string {
  const block = documentedHaproxyBlock();
  const lines = [...block.matchAll(SERVER_LINE)];
  if (lines.length < o.nodePorts.length)
    throw new Error(
      `docs/deployment.md's haproxy block has ${lines.length} server lines, the test needs ${o.nodePorts.length}`,
    );
  let n = 0;
  let config = block.replace(SERVER_LINE, (line) => {
    const port = o.nodePorts[n++];
    return port === undefined ? '' : line.replace(/10\.0\.0\.1\d:8200/, `127.0.0.1:${port}`);
  });
  config = config
    .replace('bind :443', `bind 127.0.0.1:${o.port}`)
    .replace('/etc/haproxy/lifeline.pem', o.pem);
  if (o.adminSocket)
    config = config.replace('global\n', `global\n    stats socket ${o.adminSocket} level admin\n`);
  return config;
}

/** Writes a self-signed certificate and its key into one PEM file in `dir` (HAProxy's `crt`). */
export function certificatePem(dir: string): string {
  const pem = join(dir, 'lifeline.pem');
  const { certFile, keyFile } = selfSignedCert(dir);
  writeFileSync(pem, readFileSync(certFile, 'utf8') + readFileSync(keyFile, 'utf8'));
  return pem;
}

/** Each server's state as HAProxy's runtime socket reports it (`show stat`): UP, DOWN, ... */
export async function serverStates(adminSocket: string, backend: string): Promise<Map<string, string>> {
  const csv = await new Promise<string>((resolve, reject) => {
    const socket = connect(adminSocket);
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString()));
    socket.once('end', () => resolve(out));
    socket.once('error', reject);
    socket.end('show stat\n');
  });
  const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
  const cols = header!.split(',');
  const px = cols.indexOf('pxname');
  const sv = cols.indexOf('svname');
  const status = cols.indexOf('status');
  const states = new Map<string, string>();
  for (const row of rows) {
    const f = row.split(',');
    if (f[px] === backend && f[sv] !== 'BACKEND') states.set(f[sv]!, f[status]!);
  }
  return states;
}
