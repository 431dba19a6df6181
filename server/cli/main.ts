/**
 * `lifeline <command>`: the server (`serve`) and administration for IT and for tests.
 * Commands are looked up in COMMANDS (one file each under cli/commands/); every command takes
 * `--data DIR` and `--store`. Exit codes: 0 done, 1 failed (message on stderr), 2 usage error.
 */
import { COMMANDS, type CommandName } from './commands';
import { CliError, USAGE_EXIT } from './cli-error';

export const USAGE = `Usage: lifeline <command> [options]

Commands:
  serve [--port N] [--host H] [--data DIR] [--store S] [--tls-cert F --tls-key F] [--public-url URL] [--allow-origin O]...
        [--smtp-url smtp://user:pass@host:587 --smtp-from ADDRESS]   (or LIFELINE_SMTP_URL, LIFELINE_SMTP_FROM)
        [--trust-proxy ADDR|CIDR]...
  migrate [--data DIR] [--store S]
  company create --name N | company show
  user add --email E --role agent|manager [--name N] [--password-stdin] [--inactive]
  user activate E | user deactivate E
  user reset-password E --password-stdin
  user list [--json]
  user features E [--set screenView=on,shareMyScreen=off] [--json]
  seats set N|unlimited | seats show
  portal add SLUG [--name N]
  portal assign SLUG E | portal unassign SLUG E
  portal list [--json]
  audit verify | audit tail [--limit N]
  backup FILE            an online copy of the SQLite database (the server may run; PostgreSQL: pg_dump)
  restore FILE           put a SQLite backup back (stop the server first)

Every command takes --data DIR (default ./data) and --store S: "sqlite" (default, a file in
--data) or postgres://USER:PASSWORD@HOST:PORT/DATABASE (or set LIFELINE_STORE). See docs/cli.md.
`;

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : USAGE_EXIT;
  }
  if (!isCommand(name)) {
    process.stderr.write(`lifeline: unknown command "${name}"\n\n${USAGE}`);
    return USAGE_EXIT;
  }
  try {
    return await COMMANDS[name](rest);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`lifeline ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`lifeline ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
