/**
 * The helper as an RPM (for Fedora, RHEL, SUSE fleets), built on Debian with rpmbuild from the same
 * staged tree as the deb: a spec with no build step, the files and the folders they create listed
 * one by one (so `rpm -e` removes exactly them), the manifests not marked %config (generated, not
 * edited, so nothing is kept as .rpmsave).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stageLinuxTree, type LinuxPackageInput } from './build-deb';
import {
  LINUX_EXECUTABLE,
  LINUX_MANIFESTS,
  PACKAGE_DESCRIPTION,
  PACKAGE_NAME,
  PACKAGE_SUMMARY,
} from './helper-package-contents';

/** Folders shared by every system, never owned (nor removed) by our package. */
const SYSTEM_FOLDERS = new Set(['/etc', '/etc/opt', '/opt', '/usr', '/usr/lib']);

/**
 * The folders our files create, owned by the package so `rpm -e` removes them when empty (RPM
 * keeps a folder no package owns). Browsers' packages may own some too: RPM allows that.
 */
function ownedDirectories(): string[] {
  const dirs = new Set<string>();
  for (const file of [LINUX_EXECUTABLE, ...LINUX_MANIFESTS.map((m) => m.path)]) {
    for (let d = dirname(file); !SYSTEM_FOLDERS.has(d) && d !== '/'; d = dirname(d)) dirs.add(d);
  }
  return [...dirs].sort();
}

export function buildRpm(input: LinuxPackageInput): string {
  const top = mkdtempSync(join(tmpdir(), 'lifeline-rpm-'));
  try {
    const root = join(top, 'root');
    stageLinuxTree(root, input);
    const spec = join(top, `${PACKAGE_NAME}.spec`);
    writeFileSync(
      spec,
      [
        `Name: ${PACKAGE_NAME}`,
        `Version: ${input.version}`,
        'Release: 1',
        `Summary: ${PACKAGE_SUMMARY}`,
        'License: Proprietary',
        'BuildArch: x86_64',
        'AutoReqProv: no',
        '%description',
        PACKAGE_DESCRIPTION,
        '%install',
        `cp -a ${root}/. %{buildroot}/`,
        '%files',
        ...ownedDirectories().map((d) => `%dir ${d}`),
        `%attr(0755, root, root) ${LINUX_EXECUTABLE}`,
        ...LINUX_MANIFESTS.map((m) => `%attr(0644, root, root) ${m.path}`),
        '',
      ].join('\n'),
    );
    const r = spawnSync(
      'rpmbuild',
      ['-bb', '--define', `_topdir ${join(top, 'rpmbuild')}`, '--define', '_build_id_links none', spec],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`rpmbuild failed: ${r.stderr}`);
    const built = join(top, 'rpmbuild/RPMS/x86_64');
    const [name] = readdirSync(built);
    if (!name) throw new Error('rpmbuild made no package');
    mkdirSync(input.outDir, { recursive: true });
    const out = join(input.outDir, name);
    renameSync(join(built, name), out);
    return out;
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
}
