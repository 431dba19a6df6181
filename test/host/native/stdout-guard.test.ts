import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helper-bundle';

describe('claimStdout', () => {
  it('sends console.log and stray stdout writes to stderr; only the framing reaches stdout', async () => {
    const fixture = join(REPO_ROOT, 'test/host/native/fixtures/noisy-native-host.ts');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], {
      cwd: REPO_ROOT,
      encoding: 'buffer',
    });
    const body = '{"type":"host.status"}';
    expect(stdout.readUInt32LE(0)).toBe(body.length);
    expect(stdout.subarray(4).toString()).toBe(body);
    expect(stderr.toString()).toContain('console.log noise');
    expect(stderr.toString()).toContain('console.info noise');
    expect(stderr.toString()).toContain('direct stdout noise');
  });
});
