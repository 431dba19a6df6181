/**
 * `lifeline audit verify`: recomputes the audit log's hash chain from its first entry and reports
 * the first broken link (an entry changed, inserted or deleted in the database). Exit 0 when the
 * chain holds, 1 when it does not, so a cron job or a monitor can run it.
 * `lifeline audit tail [--limit N]` prints the latest entries.
 */
import { CliError, USAGE_EXIT } from '../cli-error';
import { runGroup, type SubCommand } from './sub-commands';

const verify: SubCommand = {
  usage: 'verify',
  positionals: [],
  async run(_args, { store }, io) {
    const result = await store.audit.verify();
    if (result.ok) {
      io.out(`audit log intact: ${result.entries} entries, every link holds\n`);
      return;
    }
    const what =
      result.reason === 'entry_changed'
        ? 'its content does not match its hash (the entry was changed)'
        : 'it does not chain to the entry before it (an entry before it was changed, inserted or deleted)';
    throw new CliError(
      `audit log broken at entry ${result.brokenAt} (${result.action} at ${new Date(result.at).toISOString()}), after ${result.entries - 1} good entries: ${what}`,
    );
  },
};

const tail: SubCommand = {
  usage: 'tail [--limit N]',
  positionals: [],
  options: { limit: { type: 'string' } },
  async run(args, { store }, io) {
    const raw = args.string('limit') ?? '20';
    const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
    if (!(limit >= 1 && limit <= 1000))
      throw new CliError('--limit: a whole number from 1 to 1000', USAGE_EXIT);
    const { entries } = await store.audit.query({ offset: 0, limit });
    for (const e of entries.reverse()) {
      io.out(
        `${e.id}\t${new Date(e.at).toISOString()}\t${e.actor}\t${e.action}\t${e.target ?? '-'}\t${JSON.stringify(e.details)}\n`,
      );
    }
  },
};

export const auditCommand = runGroup('audit', { verify, tail });
