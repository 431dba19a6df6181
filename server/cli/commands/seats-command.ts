/**
 * `lifeline seats set N|unlimited` and `lifeline seats show`: how many agents may be signed in at
 * once. Lowering the limit signs nobody out; new sign-ins wait until enough seats are free.
 */
import { CliError, USAGE_EXIT } from '../cli-error';
import { MAX_SEATS } from '../../accounts/account-service';
import { CLI_ACTOR } from './admin-context';
import { runGroup, type SubCommand } from './sub-commands';

const set: SubCommand = {
  usage: 'set N|unlimited',
  positionals: ['N|unlimited'],
  async run(args, { accounts }, io) {
    const raw = args.positionals[0]!;
    const seats = raw === 'unlimited' ? null : /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
    if (seats !== null && !(seats >= 1 && seats <= MAX_SEATS))
      throw new CliError(`seats: a whole number from 1 to ${MAX_SEATS}, or "unlimited"`, USAGE_EXIT);
    await accounts.setSeats(seats, CLI_ACTOR);
    io.out(`seats: ${seats ?? 'unlimited'}\n`);
  },
};

const show: SubCommand = {
  usage: 'show',
  positionals: [],
  async run(_args, { store, auth }, io) {
    const company = await store.company.get();
    const agentLogins = [];
    for (const l of await store.logins.active())
      if ((await store.users.byId(l.userId))?.role === 'agent') agentLogins.push(l);
    const holders = await auth.describeHolders(agentLogins);
    io.out(`seats: ${company?.seats ?? 'unlimited'}\nin use: ${holders.length}\n`);
    for (const h of holders) io.out(`  ${h.email} (${h.name}) since ${new Date(h.since).toISOString()}\n`);
  },
};

export const seatsCommand = runGroup('seats', { set, show });
