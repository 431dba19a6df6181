/**
 * What an administration command reads and writes: stdout for results, stderr for notices, and
 * stdin for secrets. Passwords come only from stdin (never argv, which `ps` shows to every user
 * of the machine): piped, or typed at a terminal with echo off. Tests pass their own CliIo.
 */
import { PASSWORD_MAX_CHARS } from '../../../protocol/limits';
import { CliError } from '../cli-error';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The secret on stdin: one line, without its line ending. */
  readSecret(prompt: string): Promise<string>;
}

/** Bytes read from stdin at most (a password of the longest allowed length, in UTF-8, and a newline). */
const SECRET_MAX_BYTES = PASSWORD_MAX_CHARS * 4 + 2;
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACES = new Set(['\u007f', '\b']);

export const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  readSecret: (prompt) => (process.stdin.isTTY ? readFromTerminal(prompt) : readPiped()),
};

/** First line of piped stdin, bounded: refuses input longer than any allowed password. */
export function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}

function readPiped(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stdin = process.stdin;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > SECRET_MAX_BYTES) {
        cleanup();
        stdin.destroy();
        reject(new CliError(`the password on stdin is longer than ${PASSWORD_MAX_CHARS} characters`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(firstLine(Buffer.concat(chunks, size).toString('utf8')));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(new CliError(`could not read stdin: ${e.message}`));
    };
    const cleanup = () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
  });
}

function readFromTerminal(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let typed = '';
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    const finish = (error?: CliError) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === CTRL_D) return finish();
        if (ch === CTRL_C) return finish(new CliError('cancelled'));
        if (BACKSPACES.has(ch)) typed = typed.slice(0, -1);
        else typed += ch;
        if (typed.length > PASSWORD_MAX_CHARS)
          return finish(new CliError(`passwords are at most ${PASSWORD_MAX_CHARS} characters`));
      }
    };
    stdin.on('data', onData);
  });
}
