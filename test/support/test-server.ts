/**
 * Starts a real Lifeline server for a test: 127.0.0.1, a free port, a fresh data folder with a
 * real SQLite file. `stop()` closes it and removes the folder (unless `keepData`, for restart tests).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type StartOptions } from '../../server/app';
import { defaultConfig, type ServerConfig } from '../../server/config';
import { silentLog } from '../../server/log';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Stops the server; the data folder is removed unless keepData is true. */
  stop(keepData?: boolean): Promise<void>;
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'lifeline-test-'));
}

export async function startTestServer(
  overrides: Partial<ServerConfig> = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? makeDataDir();
  const server = await startServer(
    defaultConfig({ port: 0, host: '127.0.0.1', dataDir, quiet: true, ...overrides }),
    { log: silentLog, ...options },
  );
  return Object.assign(server, {
    dataDir,
    async stop(keepData = false) {
      await server.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
    },
  });
}
