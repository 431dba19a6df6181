/**
 * What every support-page test file starts with: the pages built into a fresh folder, a real
 * server serving them, and a headless Chromium (optionally in another language). `close()` ends
 * all three, last made first.
 */
import { buildPages, type BuiltPages } from '../../support/built-pages';
import { startTestServer, type TestServer } from '../../support/test-server';
import { launchBrowser, type TestBrowser } from './browser';

export interface PagesStage {
  pages: BuiltPages;
  /** The server serving the pages; a test that restarts it puts the new one here. */
  server: TestServer;
  chromium: TestBrowser;
  close(): Promise<void>;
}

export async function startPagesStage(options: { lang?: string } = {}): Promise<PagesStage> {
  const pages = buildPages();
  let server: TestServer | undefined;
  try {
    server = await startTestServer({ pagesDir: pages.dir });
    const stage: PagesStage = {
      pages,
      server,
      chromium: await launchBrowser(options),
      async close() {
        await stage.chromium.close();
        await stage.server.stop();
        stage.pages.remove();
      },
    };
    return stage;
  } catch (err) {
    await server?.stop();
    pages.remove();
    throw err;
  }
}
