/**
 * The macOS row of the platform table: no Platform yet (a helper cannot be built runnable and
 * signed for macOS from our Linux build machine, docs/architecture.md), but `lifeline-helper
 * install` already knows where macOS browsers read native-messaging manifests, and where a
 * helper run from the bundle keeps its state.
 */
import path from 'node:path';
import type { PlatformBackend } from '../backend';
import { macosNativeHosts } from './macos-native-hosts';

export const macosBackend: PlatformBackend = {
  id: 'macos',
  supports: (facts) => facts.platform === 'darwin',
  stateFolder: (_facts, home) => ({
    dir: path.join(home, 'Library', 'Application Support', 'Lifeline'),
    unixModes: true,
  }),
  nativeHosts: macosNativeHosts,
};
