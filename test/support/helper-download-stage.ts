/**
 * The helper download, staged for a test's server from the sources as they are now: the helper
 * bundled into the test's own folder (esbuild, about a second) and packed like `npm run build`
 * does (scripts/package-helper.mjs), so a test never runs a stale dist/ build.
 */
import path from 'node:path';
// @ts-expect-error -- plain JS build script without type declarations
import { bundleHost } from '../../scripts/bundle-host.mjs';
// @ts-expect-error -- plain JS build script without type declarations
import { packageHelper } from '../../scripts/package-helper.mjs';
import { HELPER_PACKAGE_SPECS } from '../../server/downloads/helper-systems';

/** Stages the Linux helper under `downloadsDir` (the server's downloads folder). */
export async function stageHelperDownload(downloadsDir: string): Promise<void> {
  const bundle = path.join(downloadsDir, '..', 'lifeline-helper.mjs');
  await (bundleHost as (o: { outfile: string }) => Promise<unknown>)({ outfile: bundle });
  (packageHelper as (o: { stage: string; bundle: string }) => unknown)({
    stage: path.join(downloadsDir, HELPER_PACKAGE_SPECS.linux!.dir),
    bundle,
  });
}
