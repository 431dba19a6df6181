/**
 * The viewer window (viewer.html?session=ID), opened as a popup window from a chat window. It
 * opens its own WebSocket to the server with the agent's login token (read from the extension's
 * storage, validated), agrees end-to-end keys with the customer's helper and shows the screen
 * (ui/viewer). Strings come from the extension's catalogs (`viewer_*` keys); the agent's viewer
 * preferences (options page) give the starting size and quality.
 */
import '../../ui/strict-csp-zod';
import { Id } from '../../protocol/common';
import { loadAccount } from '../background/persisted-state';
import { mountPage } from '../lib/page-state';
import { t } from '../lib/i18n';
import { ask } from '../lib/ui-client';
import { webSocketUrl } from '../lib/server-address';
import { DEFAULT_SETTINGS, type Settings } from '../lib/settings';
import { ViewerApp } from '../../ui/viewer/view/viewer-app';
import { catalogKey, type Translate } from '../../ui/viewer/viewer-text';
import { createDecoderWorker } from '../../ui/viewer/worker/create-decoder-worker';
import type { ViewerPrefs } from '../../ui/viewer/viewer-controller';
import type { QualityMode } from '../../protocol/screen/screen-control';

const translate: Translate = (key, ...args) => t(catalogKey(key), ...args);

const sessionId = Id.safeParse(new URLSearchParams(location.search).get('session'));

async function viewerSettings(): Promise<Settings> {
  try {
    return (await ask({ type: 'settings.get' })).effective.settings;
  } catch {
    return DEFAULT_SETTINGS;
  }
}

/** The options' picture quality as the helper's mode: "Fast (less data)" is `low` (fewer bytes). */
const QUALITY_OF_SETTING: Record<Settings['viewerQuality'], QualityMode> = {
  auto: 'auto',
  sharp: 'lossless',
  fast: 'low',
};

async function start(): Promise<void> {
  const [account, settings] = await Promise.all([loadAccount(), viewerSettings()]);
  const prefs: Partial<ViewerPrefs> = { scale: settings.viewerScaling };
  const quality: QualityMode = QUALITY_OF_SETTING[settings.viewerQuality];
  await mountPage(() => {
    if (!sessionId.success) return <p class="missing">{translate('missingSession')}</p>;
    if (!account) return <p class="missing">{translate('notSignedIn')}</p>;
    document.title = `${translate('title')} – Lifeline`;
    return (
      <ViewerApp
        t={translate}
        url={webSocketUrl(account.origin)}
        token={account.token}
        sessionId={sessionId.data}
        createDecoder={createDecoderWorker}
        clipboard={navigator.clipboard}
        initialPrefs={prefs}
        initialQuality={quality}
      />
    );
  });
}

void start();
