/**
 * "Share my screen" (share.html?session=ID), opened from a chat window: the agent chooses a
 * screen or a window in the browser's own picker, and the customer watches it on their support
 * page, view only. The page opens its own WebSocket with the agent's login token (read from the
 * extension's storage, validated) and runs the sharer core (ui/share/sharer-session.ts).
 */
import '../../ui/strict-csp-zod';
import { Id } from '../../protocol/common';
import { loadAccount } from '../background/persisted-state';
import { mountPage } from '../lib/page-state';
import { t } from '../lib/i18n';
import { webSocketUrl } from '../lib/server-address';
import { ShareApp } from './share-app';

const sessionId = Id.safeParse(new URLSearchParams(location.search).get('session'));

async function start(): Promise<void> {
  const account = await loadAccount();
  await mountPage(() => {
    document.title = `${t('share_title')} – Lifeline`;
    if (!sessionId.success) return <p class="missing">{t('share_missingSession')}</p>;
    if (!account) return <p class="missing">{t('share_notSignedIn')}</p>;
    return <ShareApp url={webSocketUrl(account.origin)} token={account.token} sessionId={sessionId.data} />;
  });
}

void start();
