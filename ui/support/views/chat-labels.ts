/** The chat view's labels (ui/chat/chat-types.ts) from the pages' catalog. */
import type { ChatLabels } from '../../chat/chat-types';
import type { TFunction } from '../../i18n/i18n';

export function chatLabels(t: TFunction): ChatLabels {
  return {
    transcript: t('chat.transcript'),
    composer: t('chat.composer'),
    send: t('chat.send'),
    you: t('chat.you'),
    typing: (name) => t('chat.typing', { name }),
    sending: t('chat.sending'),
    sent: t('chat.sent'),
    delivered: t('chat.delivered'),
    failed: t('chat.failed'),
    retry: t('chat.retry'),
    empty: t('chat.empty'),
    sendFile: t('chat.sendFile'),
    dropFile: t('chat.dropFile'),
  };
}
