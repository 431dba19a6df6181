/**
 * A chat window: one per session (chat.html?session=ID). The session comes from the query
 * string, is validated, and everything shown comes from the background's pushes for it.
 */
import '../../ui/strict-csp-zod';
import { Id } from '../../protocol/common';
import { mountPage } from '../lib/page-state';
import { t } from '../lib/i18n';
import { ChatWindow } from './chat-window';

const sessionId = Id.safeParse(new URLSearchParams(location.search).get('session'));
void mountPage(() =>
  sessionId.success ? (
    <ChatWindow sessionId={sessionId.data} />
  ) : (
    <p class="missing">{t('sessionNotFound')}</p>
  ),
);
