/**
 * `lifeline serve --bus ... --node-id ...` (or LIFELINE_BUS / LIFELINE_NODE_ID): checked before
 * anything starts, each mistake with a usage error that says what to do, and never the bus
 * password in the message. Without --bus nothing about the node changes.
 */
import { describe, expect, it } from 'vitest';
import { CliError, USAGE_EXIT } from '../../../server/cli/cli-error';
import { clusterChoice } from '../../../server/cli/commands/serve-command';
import type { StoreChoice } from '../../../server/store/open-store';

const POSTGRES: StoreChoice = { kind: 'postgres', url: 'postgres://lifeline@db:5432/lifeline' };
const SQLITE: StoreChoice = { kind: 'sqlite', dataDir: './data' };

function refusal(bus: string | undefined, nodeId: string | undefined, store: StoreChoice): CliError {
  try {
    clusterChoice(bus, nodeId, store);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(USAGE_EXIT);
    return err as CliError;
  }
  throw new Error('accepted');
}

describe('serve --bus and --node-id', () => {
  it('changes nothing without --bus (one node, embedded default)', () => {
    expect(clusterChoice(undefined, undefined, SQLITE)).toEqual({});
    expect(clusterChoice('  ', undefined, POSTGRES)).toEqual({});
  });

  it('takes a Redis URL and a node id with a shared store', () => {
    expect(clusterChoice('redis://:pw@cache:6379/2', 'node-1.eu', POSTGRES)).toEqual({
      bus: 'redis://:pw@cache:6379/2',
      nodeId: 'node-1.eu',
    });
    expect(clusterChoice('rediss://cache:6380', 'b', POSTGRES)).toMatchObject({ nodeId: 'b' });
  });

  it('refuses SQLite: several nodes must share one store', () => {
    expect(refusal('redis://cache:6379', 'a', SQLITE).message).toContain('--store postgres://');
  });

  it('asks for a node id with --bus, and a bus with a node id', () => {
    expect(refusal('redis://cache:6379', undefined, POSTGRES).message).toContain('--node-id');
    expect(refusal(undefined, 'a', POSTGRES).message).toContain('goes with --bus');
  });

  it('refuses a node id a Redis key or a log line would mangle', () => {
    for (const id of ['-a', 'a b', 'a:b', 'x'.repeat(64), 'é']) {
      expect(refusal('redis://cache:6379', id, POSTGRES).message).toContain('--node-id: 1-63 letters');
    }
  });

  it('refuses what is not a Redis URL, without echoing its password', () => {
    const e = refusal('http://user:secret@cache:6379', 'a', POSTGRES);
    expect(e.message).toContain('redis://');
    expect(e.message).not.toContain('secret');
    expect(refusal('not a url', 'a', POSTGRES).message).toContain('does not parse');
  });
});
