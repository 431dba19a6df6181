/**
 * Describes this machine for `host.hello` and `helper.hello`: system, release, architecture,
 * display server, and whether the helper can share this desktop. Only Linux on X11 is supported
 * so far (Wayland sessions cannot be captured through X11, except their XWayland windows).
 *
 * Local stand-in: host/platform/registry.ts will own `describeOs()` once the platform registry
 * exists; this function then becomes a call to it.
 */
import { arch, platform, release } from 'node:os';
import type { OsInfo } from '../../protocol/helper-channel';

export interface OsDescription {
  os: OsInfo;
  supported: boolean;
}

export function describeOs(env: NodeJS.ProcessEnv = process.env): OsDescription {
  const system = platform();
  const display = system === 'linux' ? linuxDisplay(env) : undefined;
  return {
    os: {
      platform: system.slice(0, 32),
      release: release().slice(0, 100),
      arch: arch().slice(0, 32),
      ...(display ? { display } : {}),
    },
    supported: system === 'linux' && display === 'x11',
  };
}

function linuxDisplay(env: NodeJS.ProcessEnv): string | undefined {
  const session = env.XDG_SESSION_TYPE?.toLowerCase();
  if (session === 'wayland' || (env.WAYLAND_DISPLAY && !env.DISPLAY)) return 'wayland';
  if (env.DISPLAY) return 'x11';
  return session === 'tty' ? 'none' : undefined;
}
