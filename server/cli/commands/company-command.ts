/** `lifeline company create --name N` and `lifeline company show`: the company (one per server). */
import { Title } from '../../../protocol/common';
import { CLI_ACTOR } from './admin-context';
import { arg, runGroup, type SubCommand } from './sub-commands';

const create: SubCommand = {
  usage: 'create --name N',
  positionals: [],
  options: { name: { type: 'string' } },
  async run(args, { accounts }, io) {
    const company = await accounts.createCompany(arg(Title, args.string('name'), '--name'), CLI_ACTOR);
    io.out(`company "${company.name}" is set\n`);
  },
};

const show: SubCommand = {
  usage: 'show',
  positionals: [],
  async run(_args, { store }, io) {
    const company = await store.company.get();
    if (!company) {
      io.out('no company yet: lifeline company create --name N\n');
      return;
    }
    io.out(`name: ${company.name}\nseats: ${company.seats ?? 'unlimited'}\n`);
  },
};

export const companyCommand = runGroup('company', { create, show });
