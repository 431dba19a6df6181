import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../host/platform/command-runner';
import { rebootLinux } from '../../../host/platform/linux/reboot';
import { X11AnnotationOverlay } from '../../../host/platform/linux/overlay/x11-annotation-overlay';
import { silentPlatformLog } from '../../../host/platform/platform-log';
import {
  createAnnotationOverlay,
  describeOs,
  loadPlatform,
  openSharingIndicator,
  type SystemFacts,
} from '../../../host/platform/registry';
import { OsInfo } from '../../../protocol/helper-channel';
import { ProtocolError } from '../../../protocol/errors';

const linux = (env: SystemFacts['env']): SystemFacts => ({
  platform: 'linux',
  release: '6.1.0-18-amd64',
  arch: 'x64',
  env,
});

async function refusal(system: SystemFacts): Promise<ProtocolError> {
  const err = await loadPlatform({ system, log: silentPlatformLog }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProtocolError);
  expect((err as ProtocolError).code).toBe('os_not_supported');
  return err as ProtocolError;
}

describe('loadPlatform', () => {
  it('picks the Windows backend on Windows 10 and later, x64 (without loading Win32 yet)', async () => {
    const platform = await loadPlatform({
      system: { platform: 'win32', release: '10.0.19045', arch: 'x64', env: {} },
      log: silentPlatformLog,
    });
    expect(platform.name).toBe('windows');
  });

  it('names Windows versions and processors it refuses', async () => {
    const old = await refusal({ platform: 'win32', release: '6.3.9600', arch: 'x64', env: {} });
    expect(old.message).toBe("Windows 6.3.9600 is too old: Lifeline's helper needs Windows 10 or later");
    expect(OsInfo.parse(old.details?.os)).toEqual({ platform: 'win32', release: '6.3.9600', arch: 'x64' });
    const arm = await refusal({ platform: 'win32', release: '10.0.22631', arch: 'arm64', env: {} });
    expect(arm.message).toMatch(/^Windows on arm64 is not supported yet/);
  });

  it('names macOS and other systems', async () => {
    expect((await refusal({ platform: 'darwin', release: '23.1.0', arch: 'arm64', env: {} })).message).toBe(
      "macOS (Darwin 23.1.0) is not supported yet: Lifeline's helper runs on Linux with X11 and on Windows 10 or later",
    );
    expect(
      (await refusal({ platform: 'freebsd', release: '14.0-RELEASE', arch: 'x64', env: {} })).message,
    ).toMatch(/^FreeBSD 14\.0-RELEASE is not supported yet/);
  });

  it('says a Wayland-only Linux desktop needs X11', async () => {
    const err = await refusal(linux({ WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland' }));
    expect(err.message).toMatch(/Wayland/);
    expect(err.message).toMatch(/X11/);
    expect(err.message).toMatch(/DISPLAY is not set/);
  });

  it('says when Linux has no display at all', async () => {
    const err = await refusal(linux({}));
    expect(err.message).toMatch(
      /^No desktop display was found on Linux 6\.1\.0-18-amd64 \(DISPLAY is not set\)/,
    );
  });

  it('picks linux-x11 when DISPLAY is set (without connecting yet)', async () => {
    const platform = await loadPlatform({ system: linux({ DISPLAY: ':999' }), log: silentPlatformLog });
    expect(platform.name).toBe('linux-x11');
    // Nothing listens on :999: opening the screen fails with a clear, coded error.
    const err = await platform.screen().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('unavailable');
    expect((err as ProtocolError).message).toMatch(/:999/);
  });
});

describe("the helper's own windows", () => {
  const noLog = () => undefined;

  it('gives the X11 annotation overlay on Linux with DISPLAY, without connecting yet', () => {
    const overlay = createAnnotationOverlay(linux({ DISPLAY: ':999' }), noLog);
    expect(overlay).toBeInstanceOf(X11AnnotationOverlay);
    overlay!.close();
  });

  it('gives no annotation overlay elsewhere', () => {
    expect(createAnnotationOverlay(linux({ WAYLAND_DISPLAY: 'wayland-0' }), noLog)).toBeNull();
    expect(
      createAnnotationOverlay({ platform: 'win32', release: '10.0.19045', arch: 'x64', env: {} }, noLog),
    ).toBeNull();
    expect(
      createAnnotationOverlay(
        { platform: 'darwin', release: '23.1.0', arch: 'arm64', env: { DISPLAY: ':0' } },
        noLog,
      ),
    ).toBeNull();
  });

  it('opens no sharing indicator window where no X server listens', async () => {
    expect(
      await openSharingIndicator(linux({ DISPLAY: ':999' }), () => undefined, {
        line: () => 'Lifeline',
        stop: 'Stop',
        lineStop: ' - Stop',
      }),
    ).toBeNull();
  });
});

describe('describeOs', () => {
  it('reports the display server on Linux, valid for the protocol', () => {
    expect(OsInfo.parse(describeOs(linux({ DISPLAY: ':0' })))).toEqual({
      platform: 'linux',
      release: '6.1.0-18-amd64',
      arch: 'x64',
      display: 'x11',
    });
    expect(describeOs(linux({ WAYLAND_DISPLAY: 'wayland-0' })).display).toBe('wayland');
    expect(describeOs(linux({ WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' })).display).toBe(
      'wayland (XWayland)',
    );
    expect(
      describeOs({ platform: 'win32', release: '10.0.22631', arch: 'x64', env: {} }).display,
    ).toBeUndefined();
  });

  it('describes the machine it runs on', () => {
    const info = OsInfo.parse(describeOs());
    expect(info.platform).toBe(process.platform);
    expect(info.arch).toBe(process.arch);
  });
});

// The real command would reboot the machine running the tests: these use a recording runner.
describe('reboot on Linux', () => {
  const runner = (result: CommandResult) => {
    const calls: [string, string[]][] = [];
    const run = async (command: string, args: string[]) => {
      calls.push([command, args]);
      return result;
    };
    return { calls, run };
  };

  it('runs systemctl reboot without a shell', async () => {
    const r = runner({ code: 0, stderr: '' });
    await rebootLinux(r.run);
    expect(r.calls).toEqual([['systemctl', ['reboot']]]);
  });

  it('says clearly when the account may not reboot', async () => {
    const r = runner({
      code: 1,
      stderr: 'Failed to reboot system via logind: Interactive authentication required.\n',
    });
    const err = await rebootLinux(r.run).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('forbidden');
    expect((err as ProtocolError).message).toMatch(/not allowed to reboot/);
  });

  it('reports a missing systemctl and other failures with their cause', async () => {
    const missing = await rebootLinux(runner({ code: null, stderr: '', spawnError: 'ENOENT' }).run).catch(
      (e: unknown) => e,
    );
    expect((missing as ProtocolError).code).toBe('feature_disabled');
    const other = await rebootLinux(runner({ code: 3, stderr: 'Something odd\n' }).run).catch(
      (e: unknown) => e,
    );
    expect((other as ProtocolError).code).toBe('internal_error');
    expect((other as ProtocolError).message).toBe('systemctl reboot failed with exit code 3: Something odd');
  });
});
