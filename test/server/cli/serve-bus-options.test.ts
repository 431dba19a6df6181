/**
 * `lifeline serve --bus ... --node-id ...` (or LIFELINE_BUS / LIFELINE_NODE_ID): checked before
 * anything starts, each mistake with a usage error that says what to do, and never the bus
 * password in the message. Without --bus nothing about the node changes.
 */
import { describe, expect, it } from 'vitest';
import { CliError, USAGE_EXIT } from '../../../server/cli/cli-error';
import { advertiseChoice, clusterChoice } from '../../../server/cli/commands/serve-command';
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

describe('serve --advertise', () => {
  const BUS = 'redis://cache:6379';
  function advertiseRefusal(advertise: string | undefined, bus: string | undefined, host: string): string {
    try {
      advertiseChoice(advertise, bus, host);
    } catch (err) {
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(USAGE_EXIT);
      return (err as CliError).message;
    }
    throw new Error('accepted');
  }

  it('changes nothing without --bus, and goes with --bus only', () => {
    expect(advertiseChoice(undefined, undefined, '0.0.0.0')).toBeUndefined();
    expect(advertiseRefusal('http://10.0.0.5:8200', undefined, '0.0.0.0')).toContain('goes with --bus');
  });

  it('keeps the origin of what the other nodes reach', () => {
    expect(advertiseChoice('http://10.0.0.5:8200', BUS, '0.0.0.0')).toBe('http://10.0.0.5:8200');
    expect(advertiseChoice(' https://node-1.internal/ ', BUS, '0.0.0.0')).toBe('https://node-1.internal');
    expect(advertiseChoice('ws://[fd00::5]:8200', BUS, '::')).toBe('ws://[fd00::5]:8200');
  });

  it('defaults to the address a node listens on, and asks for it when the node listens on every address', () => {
    expect(advertiseChoice(undefined, BUS, '10.0.0.5')).toBeUndefined();
    expect(advertiseRefusal(undefined, BUS, '0.0.0.0')).toContain('needs --advertise http://HOST:PORT');
    expect(advertiseRefusal(undefined, BUS, '::')).toContain('LIFELINE_ADVERTISE');
  });

  it('refuses what is not an origin the other nodes can reach', () => {
    const cases: [string, string][] = [
      ['10.0.0.5:8200', 'does not parse'],
      ['not a url', 'does not parse'],
      ['ftp://10.0.0.5', 'is not http'],
      ['http://user:pw@10.0.0.5:8200', 'no user name or password'],
      ['http://10.0.0.5:8200/ws', 'origin only'],
      ['http://10.0.0.5:8200/?a=1', 'origin only'],
      ['http://0.0.0.0:8200', 'not every address'],
      [`http://${'a'.repeat(400)}.example`, 'longer than'],
    ];
    for (const [value, why] of cases) expect(advertiseRefusal(value, BUS, '0.0.0.0')).toContain(why);
    expect(advertiseRefusal('http://user:secret@10.0.0.5', BUS, '0.0.0.0')).not.toContain('secret');
  });
});
