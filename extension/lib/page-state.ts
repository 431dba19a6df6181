/**
 * Preact hooks every extension page uses: the background's pushes for this page (view, session,
 * consent, settings) and the language setting applied before and after each change, so a page
 * re-renders in the new language without a reload.
 */
import { useEffect, useState } from 'preact/hooks';
import { render, type ComponentChild } from 'preact';
import { languageSetting, useLanguage } from './i18n';
import { ask, listen } from './ui-client';
import type { AgentView, ConsentView, SessionDetail } from './ui-protocol';
import type { EffectiveSettings } from './settings';

export interface PageState {
  view: AgentView | null;
  detail: SessionDetail | null;
  consent: ConsentView | null;
  effective: EffectiveSettings | null;
  /** Bumped when the language changed, so components re-render their strings. */
  languageEpoch: number;
}

export function usePageState(portName: string): PageState {
  const [state, setState] = useState<PageState>({
    view: null,
    detail: null,
    consent: null,
    effective: null,
    languageEpoch: 0,
  });
  useEffect(() => {
    return listen(portName, (push) => {
      if (push.type === 'view') setState((s) => ({ ...s, view: push.view }));
      else if (push.type === 'session') setState((s) => ({ ...s, detail: push.detail }));
      else if (push.type === 'consent') setState((s) => ({ ...s, consent: push.view }));
      else {
        const next = push.effective.settings.language;
        // Compared with what this page applied (not with the previous push): the setting may
        // have changed between the page's first render and its first push.
        if (next !== languageSetting()) {
          void useLanguage(next).then(() =>
            setState((s) => ({ ...s, effective: push.effective, languageEpoch: s.languageEpoch + 1 })),
          );
        } else setState((s) => ({ ...s, effective: push.effective }));
      }
    });
  }, [portName]);
  return state;
}

/** Applies the language setting, then renders the page's root component. */
export async function mountPage(app: () => ComponentChild): Promise<void> {
  const root = document.getElementById('app');
  if (!root) throw new Error('page has no #app element');
  try {
    const { effective } = await ask({ type: 'settings.get' });
    await useLanguage(effective.settings.language);
  } catch {
    await useLanguage('browser');
  }
  render(app(), root);
}
