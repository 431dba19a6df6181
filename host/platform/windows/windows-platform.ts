/**
 * The Platform of a Windows desktop: GDI capture, SendInput, the Unicode clipboard, files with the
 * known folders as places, and a reboot that resumes the session through RunOnce. Each part
 * loads the Win32 functions on first use.
 */
import { NodeFileAccess } from '../files/node-file-access';
import type { CommandRunner } from '../command-runner';
import type { Clipboard, FileAccess, InputSink, Platform, ScreenSource } from '../types';
import { GdiScreenSource } from './gdi-screen-source';
import { knownFolders } from './known-folders';
import { SendInputSink } from './send-input-sink';
import { Win32Clipboard } from './win-clipboard';
import { rebootWindows } from './windows-reboot';

export interface WindowsPlatformOptions {
  /** The helper's own executable, which RunOnce starts again after a reboot. */
  executable: string;
  runCommand?: CommandRunner;
}

export function createWindowsPlatform(options: WindowsPlatformOptions): Platform {
  const files = new NodeFileAccess({ places: knownFolders });
  return {
    name: 'windows',
    screen: (): Promise<ScreenSource> => GdiScreenSource.open(),
    input: (): Promise<InputSink> => SendInputSink.open(),
    clipboard: (): Promise<Clipboard> => Win32Clipboard.open(),
    files: (): FileAccess => files,
    reboot: () => rebootWindows(options.executable, options.runCommand),
  };
}
