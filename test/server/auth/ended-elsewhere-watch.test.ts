import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchEndedElsewhere } from '../../../server/auth/ended-elsewhere-watch';
import type { LoginEnded } from '../../../server/auth/login-events';
import { userCommand } from '../../../server/cli/commands/user-command';
import { startTestServer, type TestServer } from '../../support/test-server';
import { fakeIo } from '../cli/cli-io-fake';
import { addAccount, login } from '../http/api-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await addAccount(server, 'boss@x.example', 'manager');
  await addAccount(server, 'open@x.example');
  await addAccount(server, 'other@x.example');
});
afterAll(() => server.stop());

describe('watchEndedElsewhere', () => {
  it('tells the sockets of a login the CLI ended (another connection to the database)', async () => {
    const a = await login(server, 'open@x.example');
    const b = await login(server, 'other@x.example');
    const open = new Set([a.loginId, b.loginId]);
    const ended: LoginEnded[] = [];
    let told!: () => void;
    const toldOnce = new Promise<void>((resolve) => (told = resolve));
    const stop = watchEndedElsewhere(
      server.services.auth,
      () => open,
      (e) => {
        ended.push(e);
        open.delete(e.loginId);
        told();
      },
      { intervalMs: 20 },
    );
    try {
      // The CLI's own store connection, as a separate `lifeline` process would have.
      expect(await userCommand(['deactivate', 'open@x.example', '--data', server.dataDir], fakeIo())).toBe(0);
      await toldOnce;
      expect(ended).toEqual([{ loginId: a.loginId, userId: expect.any(String), reason: 'deactivated' }]);
      expect([...open]).toEqual([b.loginId]);
    } finally {
      stop();
    }
  });
});
