/**
 * The helper as a Windows Installer package, built on Linux with wixl (Debian's msitools) from
 * WiX XML written here: a per-machine, 64-bit install into %ProgramFiles%\Lifeline of the
 * executable and the two manifests, and the HKLM registry keys with which Chrome, Chromium, Edge
 * and Firefox find them. Every file and key belongs to a component, so `msiexec /x` removes them
 * all; MajorUpgrade makes a newer package replace an older one in place.
 *
 *   msiexec /i lifeline-helper-0.1.0-x64.msi /qn      silent install (GPO, Intune, SCCM...)
 *   msiexec /x lifeline-helper-0.1.0-x64.msi /qn      silent uninstall
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExtensionIds } from '../../host/manifest/extension-identity';
import {
  manifestJson,
  PACKAGE_NAME,
  PACKAGE_SUMMARY,
  WINDOWS_EXECUTABLE,
  WINDOWS_MANIFESTS,
  WINDOWS_REGISTRY_KEYS,
} from './helper-package-contents';

/** Fixed forever: Windows Installer recognises every version of the product by it (upgrades). */
export const UPGRADE_CODE = '{6C2B8E53-7D0F-4A51-9E3B-2B0E55A1C0DE}';
export const MANUFACTURER = 'Lifeline';
export const INSTALL_FOLDER = 'Lifeline';

export interface MsiInput {
  /** The Windows x64 single executable (scripts/build-sea.mjs), or any .exe standing in for it. */
  executable: string;
  version: string;
  outDir: string;
  ids?: ExtensionIds;
}

/** A component GUID derived from the upgrade code and a name: stable across builds, as MSI wants. */
function componentGuid(name: string): string {
  const h = createHash('sha256').update(`${UPGRADE_CODE}/${name}`).digest('hex').toUpperCase();
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-A${h.slice(17, 20)}-${h.slice(20, 32)}}`;
}

function xml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The WiX source; file Sources are relative to the folder wixl runs in (it wants them so). */
export function wixSource(input: MsiInput): string {
  const registry = (family: 'chromium' | 'firefox') =>
    WINDOWS_REGISTRY_KEYS.filter((k) => k.family === family)
      .map(
        (k) =>
          `              <RegistryValue Root="HKLM" Key="${xml(k.key)}" Type="string" Value="[#Manifest_${family}]"/>`,
      )
      .join('\n');
  const manifestComponent = (family: 'chromium' | 'firefox') => `
          <Component Id="Manifest_${family}" Guid="${componentGuid(`manifest-${family}`)}" Win64="yes">
              <File Id="Manifest_${family}" Name="${WINDOWS_MANIFESTS[family]}" Source="${xml(WINDOWS_MANIFESTS[family])}" KeyPath="yes"/>
${registry(family)}
          </Component>`;
  return `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Lifeline helper" Language="1033" Version="${xml(input.version)}" Manufacturer="${MANUFACTURER}" UpgradeCode="${UPGRADE_CODE}">
    <Package InstallerVersion="500" Compressed="yes" InstallScope="perMachine" Description="${xml(PACKAGE_SUMMARY)}" Manufacturer="${MANUFACTURER}"/>
    <Media Id="1" Cabinet="helper.cab" EmbedCab="yes"/>
    <MajorUpgrade DowngradeErrorMessage="A newer Lifeline helper is already installed."/>
    <Property Id="ARPNOMODIFY" Value="1"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="INSTALLDIR" Name="${INSTALL_FOLDER}">
          <Component Id="Helper" Guid="${componentGuid('helper')}" Win64="yes">
              <File Id="HelperExe" Name="${WINDOWS_EXECUTABLE}" Source="${WINDOWS_EXECUTABLE}" KeyPath="yes"/>
          </Component>${manifestComponent('chromium')}${manifestComponent('firefox')}
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Helper" Title="Lifeline helper" Level="1">
      <ComponentRef Id="Helper"/>
      <ComponentRef Id="Manifest_chromium"/>
      <ComponentRef Id="Manifest_firefox"/>
    </Feature>
  </Product>
</Wix>
`;
}

export function buildMsi(input: MsiInput): string {
  const stage = mkdtempSync(join(tmpdir(), 'lifeline-msi-'));
  try {
    copyFileSync(input.executable, join(stage, WINDOWS_EXECUTABLE));
    // Relative to the manifest's folder: Chrome, Edge and Firefox on Windows resolve it there.
    for (const family of ['chromium', 'firefox'] as const)
      writeFileSync(
        join(stage, WINDOWS_MANIFESTS[family]),
        manifestJson(family, WINDOWS_EXECUTABLE, input.ids),
      );
    const wxs = join(stage, `${PACKAGE_NAME}.wxs`);
    writeFileSync(wxs, wixSource(input));
    mkdirSync(input.outDir, { recursive: true });
    const out = join(input.outDir, `${PACKAGE_NAME}-${input.version}-x64.msi`);
    const r = spawnSync('wixl', ['--arch', 'x64', '-o', out, wxs], { cwd: stage, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`wixl failed: ${r.stderr}`);
    return out;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
