/**
 * The executable a manifest's `path` points at: a `#!/bin/sh` script that execs Node on the
 * bundled helper, passing the browser's arguments through. Browsers need an executable (they do
 * not run `node file.mjs` themselves), and absolute paths, because a browser started from a
 * desktop menu may have a PATH without Node on it.
 *
 * The marker line lets `uninstall` tell our script from a file someone else put there.
 */
export const LAUNCHER_FILE_NAME = 'lifeline-helper-host';
/** Where the launcher is the helper's own executable (Windows), the name of its copy. */
export const EXECUTABLE_LAUNCHER_NAME = 'lifeline-helper.exe';
export const LAUNCHER_MARKER = '# lifeline-helper native-messaging launcher';

/** Quotes a path for sh: single quotes, with any single quote closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export function launcherScript(nodePath: string, bundlePath: string): string {
  return [
    '#!/bin/sh',
    LAUNCHER_MARKER,
    '# Written by `lifeline-helper install`; removed by `lifeline-helper uninstall`.',
    `exec ${shellQuote(nodePath)} ${shellQuote(bundlePath)} "$@"`,
    '',
  ].join('\n');
}

export function isOurLauncher(text: string): boolean {
  return text.startsWith('#!/bin/sh\n') && text.split('\n')[1] === LAUNCHER_MARKER;
}
