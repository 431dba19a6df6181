/** The commands a person types; native-messaging mode is recognised separately (native-caller.ts). */
import { joinCommand } from './join-command';
import { installCommand, uninstallCommand } from './manifest-commands';
import { policyCommand } from './policy-command';
import { resumeCommand } from './resume-command';

export type Command = (args: string[], env: NodeJS.ProcessEnv) => Promise<number>;

export const COMMANDS = {
  join: joinCommand,
  resume: resumeCommand,
  install: installCommand,
  uninstall: uninstallCommand,
  policy: policyCommand,
} satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;
