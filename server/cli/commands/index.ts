/** The command table of the `lifeline` CLI: name -> handler (argv after the name) -> exit code. */
import { serveCommand } from './serve-command';

export type Command = (argv: string[]) => Promise<number>;

export const COMMANDS = {
  serve: serveCommand,
} satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;
