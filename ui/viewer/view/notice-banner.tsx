/** The latest notice (revoked control, refused frame, clipboard news...), dismissable. */
import type { Notice } from '../viewer-session';
import type { Translate } from '../viewer-text';

export function NoticeBanner(props: { t: Translate; notice: Notice | null; onDismiss: () => void }) {
  const n = props.notice;
  if (!n) return null;
  return (
    <div
      class={`notice notice-${n.level}`}
      role={n.level === 'error' ? 'alert' : 'status'}
      data-notice={n.key}
      data-serial={String(n.serial)}
    >
      <span class="notice-text">{props.t(`notice_${n.key}`, ...n.args)}</span>
      <button type="button" class="notice-dismiss" onClick={props.onDismiss}>
        {props.t('dismiss')}
      </button>
    </div>
  );
}
