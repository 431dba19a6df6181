/** A CliIo for in-process command tests: captures output, serves a given stdin. */
import type { CliIo } from '../../../server/cli/commands/cli-io';
import { firstLine } from '../../../server/cli/commands/cli-io';

export function fakeIo(stdin = ''): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    async readSecret() {
      return firstLine(stdin);
    },
  };
  return io;
}
