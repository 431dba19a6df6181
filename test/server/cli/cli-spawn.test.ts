/**
 * The real `lifeline` binary, in its own process (each spawn costs ~0.6 s, so only a few here;
 * the command logic is covered in-process by admin-commands.test.ts).
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { LIFELINE_BIN as BIN, runLifeline } from '../../support/lifeline-cli';
import { makeDataDir, startTestServer } from '../../support/test-server';
import { api, login } from '../http/api-client';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const lifeline = (args: string[], stdin?: string) => runLifeline(args, { stdin });

describe('lifeline CLI as a separate process', () => {
  it('adds a manager while the server runs; the server sees it at once (setup sealed, sign-in works)', async () => {
    const server = await startTestServer();
    dirs.push(server.dataDir);
    try {
      expect((await api(server, 'GET', '/api/v1/setup')).status).toBe(200);
      const r = await lifeline(
        [
          'user',
          'add',
          '--email',
          'IT@acme.example',
          '--role',
          'manager',
          '--password-stdin',
          '--data',
          server.dataDir,
        ],
        'piped password 1\n',
      );
      expect(r).toMatchObject({ code: 0, stdout: 'manager it@acme.example added (active)\n' });
      expect((await api(server, 'GET', '/api/v1/setup')).status).toBe(404);
      expect((await login(server, 'it@acme.example', 'piped password 1')).role).toBe('manager');
    } finally {
      await server.stop(true);
    }
  });

  it('exits 2 on usage errors and 1 on refusals, with the reason on stderr', async () => {
    const data = makeDataDir();
    dirs.push(data);
    const [usage, refused] = await Promise.all([
      lifeline(['user', 'frobnicate', '--data', data]),
      lifeline(['user', 'activate', 'nobody@acme.example', '--data', data]),
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('lifeline user: unknown sub-command "frobnicate"');
    expect(usage.stderr).toContain('lifeline user add --email E');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('lifeline user: no account for nobody@acme.example');
    expect(refused.stdout).toBe('');
  });

  it('`serve` prints the one-time setup link on first run, and the link works', async () => {
    const data = makeDataDir();
    dirs.push(data);
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', data, '--quiet'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    try {
      const link = await new Promise<string>((resolve, reject) => {
        let stderr = '';
        const timer = setTimeout(() => reject(new Error(`no setup link; stderr: ${stderr}`)), 15_000);
        child.stderr!.on('data', (c: Buffer) => {
          stderr += c.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+\/setup#[A-Za-z0-9_-]{43})\s/.exec(stderr);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}; stderr: ${stderr}`)));
      });
      const url = new URL(link);
      const base = { url: url.origin };
      expect((await api(base, 'GET', '/api/v1/setup')).body).toEqual({ needed: true });
      const done = await api(base, 'POST', '/api/v1/setup', {
        setupToken: url.hash.slice(1),
        companyName: 'Acme',
        name: 'First Manager',
        email: 'first@acme.example',
        password: 'a long setup secret',
      });
      expect(done.status).toBe(201);
      expect((await api(base, 'GET', '/api/v1/setup')).status).toBe(404);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
