/** Accounts and portals for the extension's end-to-end tests, made through the server's own services. */
import { createServer } from 'node:net';
import type { TestServer } from '../../support/test-server';
import { unique } from '../../support/workflow';

export const PASSWORD = 'correct horse battery staple';

export interface TestAgent {
  id: string;
  email: string;
  name: string;
}

export async function createAgent(
  server: TestServer,
  options: { portals?: string[]; name?: string; inactive?: boolean } = {},
): Promise<TestAgent> {
  const id = unique('agent');
  const email = `${id}@example.test`;
  const name = options.name ?? `Agent ${id}`;
  const user = await server.services.accounts.addUser(
    { email, name, role: 'agent', password: PASSWORD, ...(options.inactive ? { inactive: true } : {}) },
    'test',
  );
  for (const slug of options.portals ?? []) await server.services.accounts.assignPortal(slug, email, 'test');
  return { id: user.id, email, name };
}

export async function createPortal(server: TestServer, name = 'Help desk'): Promise<string> {
  const slug = unique('p').toLowerCase();
  await server.services.accounts.addPortal(slug, name, 'test');
  return slug;
}

/** A TCP port on 127.0.0.1 that nothing listens on (for "server down"). */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}
