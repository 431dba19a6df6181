/**
 * `lifeline user ...`: agents and managers.
 *   add --email E --role agent|manager [--name N] [--password-stdin] [--inactive]
 *   activate E | deactivate E            (deactivating signs the user out everywhere)
 *   reset-password E --password-stdin    (signs the user out everywhere)
 *   list [--json]
 *   features E [--set screenView=on,shareMyScreen=off] [--json]
 * Passwords are read from stdin only; a user added without one is "invited" until reset-password.
 */
import { Email, Features, PersonName, Role } from '../../../protocol/common';
import { userView, userViews } from '../../accounts/account-views';
import { CliError, USAGE_EXIT } from '../cli-error';
import { CLI_ACTOR } from './admin-context';
import { arg, runGroup, table, type Parsed, type SubCommand } from './sub-commands';
import type { CliIo } from './cli-io';

const FEATURE_NAMES = Object.keys(Features.shape) as (keyof Features)[];
const ON = new Set(['on', 'true', 'yes', '1']);
const OFF = new Set(['off', 'false', 'no', '0']);

async function passwordFrom(args: Parsed, io: CliIo, required: boolean): Promise<string | undefined> {
  if (!args.flag('password-stdin')) {
    if (required) throw new CliError('give the password on stdin: --password-stdin', USAGE_EXIT);
    return undefined;
  }
  const password = await io.readSecret('Password: ');
  if (password.length === 0) throw new CliError('the password on stdin is empty');
  return password;
}

const add: SubCommand = {
  usage: 'add --email E --role agent|manager [--name N] [--password-stdin] [--inactive]',
  positionals: [],
  options: {
    email: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    inactive: { type: 'boolean' },
  },
  async run(args, { accounts }, io) {
    const email = arg(Email, args.string('email'), '--email');
    const role = arg(Role, args.string('role'), '--role');
    const name = args.string('name');
    const password = await passwordFrom(args, io, false);
    const user = await accounts.addUser(
      {
        email,
        role,
        ...(name !== undefined ? { name: arg(PersonName, name, '--name') } : {}),
        ...(password !== undefined ? { password } : {}),
        inactive: args.flag('inactive'),
      },
      CLI_ACTOR,
    );
    io.out(`${user.role} ${user.email} added (${user.state})\n`);
    if (user.state === 'invited')
      io.err(
        `${user.email} cannot sign in until a password is set: lifeline user reset-password ${user.email} --password-stdin\n`,
      );
  },
};

const stateCommand = (state: 'active' | 'deactivated'): SubCommand => ({
  usage: `${state === 'active' ? 'activate' : 'deactivate'} E`,
  positionals: ['E'],
  async run(args, { accounts, store }, io) {
    const email = arg(Email, args.positionals[0], 'E');
    const signedIn =
      state === 'deactivated'
        ? (await store.logins.activeForUser((await accounts.requireUser(email)).id)).length
        : 0;
    const user = await accounts.setState(email, state, CLI_ACTOR);
    io.out(`${user.email} is ${user.state}\n`);
    if (signedIn > 0) io.out(`ended ${signedIn} sign-in(s) of ${user.email}\n`);
  },
});

const resetPassword: SubCommand = {
  usage: 'reset-password E --password-stdin',
  positionals: ['E'],
  options: { 'password-stdin': { type: 'boolean' } },
  async run(args, { accounts }, io) {
    const email = arg(Email, args.positionals[0], 'E');
    const password = (await passwordFrom(args, io, true))!;
    await accounts.resetPassword(email, password, CLI_ACTOR);
    io.out(`password of ${email} changed; their sign-ins were ended\n`);
  },
};

const list: SubCommand = {
  usage: 'list [--json]',
  positionals: [],
  options: { json: { type: 'boolean' } },
  async run(args, { store }, io) {
    const users = await userViews(store);
    if (args.flag('json')) {
      io.out(JSON.stringify(users, null, 2) + '\n');
      return;
    }
    if (users.length === 0) {
      io.out('no users yet: lifeline user add --email E --role manager --password-stdin\n');
      return;
    }
    io.out(
      table([
        ['EMAIL', 'NAME', 'ROLE', 'STATE', 'PORTALS'],
        ...users.map((u) => [u.email, u.name, u.role, u.state, u.portals.join(',') || '-']),
      ]),
    );
  },
};

/** Parses `screenView=on,shareMyScreen=off` into a partial Features, refusing unknown names. */
export function parseFeatureSettings(text: string): Partial<Features> {
  const out: Partial<Features> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, value, extra] = part.split('=').map((s) => s.trim());
    const feature = FEATURE_NAMES.find((f) => f === key);
    if (!feature || value === undefined || extra !== undefined)
      throw new CliError(
        `--set: "${part}" is not NAME=on|off (names: ${FEATURE_NAMES.join(', ')})`,
        USAGE_EXIT,
      );
    const v = value.toLowerCase();
    if (!ON.has(v) && !OFF.has(v))
      throw new CliError(`--set: ${key} must be on or off, not "${value}"`, USAGE_EXIT);
    out[feature] = ON.has(v);
  }
  if (Object.keys(out).length === 0) throw new CliError('--set: name at least one feature', USAGE_EXIT);
  return out;
}

const features: SubCommand = {
  usage: `features E [--set ${FEATURE_NAMES[0]}=on,${FEATURE_NAMES[3]}=off] [--json]`,
  positionals: ['E'],
  options: { set: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, { accounts, store }, io) {
    const email = arg(Email, args.positionals[0], 'E');
    const settings = args.string('set');
    const user = settings
      ? await accounts.updateUser(email, { features: parseFeatureSettings(settings) }, CLI_ACTOR)
      : await accounts.requireUser(email);
    const view = userView(user, await store.portals.portalsOf(user.id));
    if (args.flag('json')) {
      io.out(JSON.stringify(view.features, null, 2) + '\n');
      return;
    }
    io.out(table(FEATURE_NAMES.map((f) => [f, view.features[f] ? 'on' : 'off'])));
  },
};

export const userCommand = runGroup('user', {
  add,
  activate: stateCommand('active'),
  deactivate: stateCommand('deactivated'),
  'reset-password': resetPassword,
  list,
  features,
});
