/**
 * The Windows menu: arrange every open chat window (cascade, tile) on this screen's work area,
 * or bring another session's window to the front.
 */
import { useState } from 'preact/hooks';
import { t } from '../lib/i18n';
import { ask } from '../lib/ui-client';
import type { AgentView, WindowArea } from '../lib/ui-protocol';

/** The screen's work area (without task bars), as the browser reports it to this page. */
function workArea(): WindowArea {
  const s = window.screen as Screen & { availLeft?: number; availTop?: number };
  return {
    left: Math.round(s.availLeft ?? 0),
    top: Math.round(s.availTop ?? 0),
    width: Math.max(200, Math.round(s.availWidth)),
    height: Math.max(200, Math.round(s.availHeight)),
  };
}

export function WindowsMenu({ view, current }: { view: AgentView; current: string }) {
  const [open, setOpen] = useState(false);
  const others = view.sessions.filter((s) => s.id !== current && view.windows.includes(s.id));
  const arrange = (mode: 'cascade' | 'tile') => {
    setOpen(false);
    void ask({ type: 'windows.arrange', mode, area: workArea() }).catch(() => undefined);
  };
  return (
    <div class="windows-menu">
      <button
        type="button"
        class="windows"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {t('windowsMenu')}
      </button>
      {open && (
        <ul class="menu" role="menu">
          <li role="none">
            <button type="button" role="menuitem" class="arrange-cascade" onClick={() => arrange('cascade')}>
              {t('arrangeCascade')}
            </button>
          </li>
          <li role="none">
            <button type="button" role="menuitem" class="arrange-tile" onClick={() => arrange('tile')}>
              {t('arrangeTile')}
            </button>
          </li>
          {others.map((s) => (
            <li role="none" key={s.id}>
              <button
                type="button"
                role="menuitem"
                onClick={() => {
                  setOpen(false);
                  void ask({ type: 'session.window', sessionId: s.id }).catch(() => undefined);
                }}
              >
                {s.customerName}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
