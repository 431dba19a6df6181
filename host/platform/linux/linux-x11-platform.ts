/**
 * The Platform of a Linux desktop running X11: screen, input and clipboard each open their own
 * connection to `display` (closed by the caller through close()), files are plain Node fs, reboot
 * is systemctl. X-side failures become ProtocolErrors with a message a customer can act on.
 */
import { ProtocolError } from '../../../protocol/errors';
import { NodeFileAccess } from '../files/node-file-access';
import type { Clipboard, FileAccess, InputSink, Platform, ScreenSource } from '../types';
import { UnsupportedPixelFormatError } from './pixel-format';
import { execFileRunner, type CommandRunner } from '../command-runner';
import { rebootLinux } from './reboot';
import { X11Clipboard } from './x11-clipboard';
import { X11ConnectionError } from './x11-connection';
import type { PlatformLog } from '../platform-log';
import { X11InputSink } from './x11-input-sink';
import { preloadMappedShm } from './mapped-shm-provider';
import { X11ScreenSource } from './x11-screen-source';

export interface LinuxX11Options {
  display: string;
  log: PlatformLog;
  /** Runs systemctl; injectable so tests never reboot their machine. */
  runCommand?: CommandRunner;
}

async function translated<T>(what: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    if (err instanceof UnsupportedPixelFormatError) throw new ProtocolError('os_not_supported', err.message);
    if (err instanceof X11ConnectionError) throw new ProtocolError('unavailable', `${what}: ${err.message}`);
    throw err;
  }
}

export function createLinuxX11Platform(options: LinuxX11Options): Platform {
  const { display, log } = options;
  const files = new NodeFileAccess();
  // The screen opens at consent; the FFI that maps its capture memory loads now, meanwhile.
  preloadMappedShm();
  return {
    name: 'linux-x11',
    screen: (): Promise<ScreenSource> =>
      translated('screen capture', () => X11ScreenSource.open(display, log)),
    input: (): Promise<InputSink> => translated('remote control', () => X11InputSink.open(display, log)),
    clipboard: (): Promise<Clipboard> => translated('clipboard', () => X11Clipboard.open(display, log)),
    files: (): FileAccess => files,
    reboot: () => rebootLinux(options.runCommand ?? execFileRunner),
  };
}
