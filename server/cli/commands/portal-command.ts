/**
 * `lifeline portal add SLUG [--name N]`, `portal assign SLUG E`, `portal unassign SLUG E`,
 * `portal list [--json]`: the support portals customers ask for help on, and who serves them.
 */
import { Email, Slug, Title } from '../../../protocol/common';
import { portalView } from '../../accounts/account-views';
import { CLI_ACTOR } from './admin-context';
import { arg, runGroup, table, type SubCommand } from './sub-commands';

const add: SubCommand = {
  usage: 'add SLUG [--name N]',
  positionals: ['SLUG'],
  options: { name: { type: 'string' } },
  async run(args, { accounts }, io) {
    const slug = arg(Slug, args.positionals[0], 'SLUG');
    const name = arg(Title, args.string('name') ?? slug, '--name');
    await accounts.addPortal(slug, name, CLI_ACTOR);
    io.out(`portal ${slug} ("${name}") added: customers ask for help at /support/${slug}\n`);
  },
};

const assign: SubCommand = {
  usage: 'assign SLUG E',
  positionals: ['SLUG', 'E'],
  async run(args, { accounts }, io) {
    const slug = arg(Slug, args.positionals[0], 'SLUG');
    const user = await accounts.assignPortal(slug, arg(Email, args.positionals[1], 'E'), CLI_ACTOR);
    io.out(`${user.email} now serves portal ${slug}\n`);
  },
};

const unassign: SubCommand = {
  usage: 'unassign SLUG E',
  positionals: ['SLUG', 'E'],
  async run(args, { accounts }, io) {
    const slug = arg(Slug, args.positionals[0], 'SLUG');
    const user = await accounts.requireUser(arg(Email, args.positionals[1], 'E'));
    await accounts.unassignPortal(slug, user.id, CLI_ACTOR);
    io.out(`${user.email} no longer serves portal ${slug}\n`);
  },
};

const list: SubCommand = {
  usage: 'list [--json]',
  positionals: [],
  options: { json: { type: 'boolean' } },
  async run(args, { store }, io) {
    const portals = [];
    for (const p of await store.portals.list()) portals.push(await portalView(store, p));
    if (args.flag('json')) {
      io.out(JSON.stringify(portals, null, 2) + '\n');
      return;
    }
    if (portals.length === 0) {
      io.out('no portals yet: lifeline portal add SLUG --name N\n');
      return;
    }
    io.out(
      table([
        ['SLUG', 'NAME', 'AGENTS'],
        ...portals.map((p) => [p.slug, p.name, p.agents.map((a) => a.email).join(', ') || '-']),
      ]),
    );
  },
};

export const portalCommand = runGroup('portal', { add, assign, unassign, list });
