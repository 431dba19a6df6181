/**
 * What the platform registry looks at to pick a backend: the system, its release and machine, and
 * the environment. Injectable everywhere, so tests can pretend to be another system.
 */
import os from 'node:os';

export interface SystemFacts {
  /** process.platform */
  platform: string;
  release: string;
  arch: string;
  env: Record<string, string | undefined>;
}

export function currentSystem(): SystemFacts {
  return { platform: process.platform, release: os.release(), arch: process.arch, env: process.env };
}
