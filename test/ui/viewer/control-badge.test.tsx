/**
 * The viewer's control badge says whose decision makes it view-only: the customer's consent, or
 * the agent's account ("Control is not enabled for your account"), whatever the customer granted.
 * Rendered as Preact's element tree (the component has no hooks), with the English catalog.
 */
import { readFileSync } from 'node:fs';
import { isValidElement, type VNode } from 'preact';
import { describe, expect, it } from 'vitest';
import { NO_GRANTS, type Features } from '../../../protocol/common';
import { ControlBadge } from '../../../ui/viewer/view/status-bar';
import type { ViewerSnapshot } from '../../../ui/viewer/viewer-session';
import { catalogKey, type Translate } from '../../../ui/viewer/viewer-text';

const en = JSON.parse(
  readFileSync(new URL('../../../extension/public/_locales/en/messages.json', import.meta.url), 'utf8'),
) as Record<string, { message: string }>;
const t: Translate = (key) => en[catalogKey(key)]!.message;

const ALL_FEATURES: Features = {
  screenView: true,
  screenControl: true,
  fileTransfer: true,
  shareMyScreen: false,
  transfer: true,
  clipboard: true,
  reboot: true,
  multiChat: true,
};

function state(patch: Partial<ViewerSnapshot>): ViewerSnapshot {
  return {
    phase: 'streaming',
    connection: 'open',
    refusedCode: null,
    endedBy: null,
    sas: '123 456',
    grants: { ...NO_GRANTS, view: true, control: true },
    features: ALL_FEATURES,
    controlAllowed: true,
    helperReconnecting: false,
    helperEnded: null,
    helperBrowser: false,
    frame: { width: 10, height: 10 },
    monitors: [],
    selected: { kind: 'desktop' },
    origin: { x: 0, y: 0 },
    paused: null,
    pausePending: null,
    damaged: false,
    refusedFrames: 0,
    quality: 'auto',
    reboot: null,
    rebootAllowed: false,
    background: 'off',
    notice: null,
    ...patch,
  };
}

/** The badge's text and data attributes. */
function render(s: ViewerSnapshot): { text: string; props: Record<string, unknown> } | null {
  const node = ControlBadge({ t, state: s }) as VNode<Record<string, unknown>> | null;
  if (!node) return null;
  const text = (n: unknown): string => {
    if (typeof n === 'string' || typeof n === 'number') return String(n);
    if (Array.isArray(n)) return n.map(text).join('');
    if (isValidElement(n)) return text((n.props as { children?: unknown }).children);
    return '';
  };
  const { children: _children, ...props } = node.props;
  return { text: text(node), props };
}

describe('the control badge', () => {
  it('says "you have control" when the customer granted it and the account allows it', () => {
    expect(render(state({}))).toMatchObject({
      text: 'You have control',
      props: { 'data-control': 'true' },
    });
  });

  it('says view only, because of the account, when the manager has not enabled control', () => {
    const badge = render(
      state({ features: { ...ALL_FEATURES, screenControl: false }, controlAllowed: false }),
    );
    expect(badge).toMatchObject({
      text: 'View onlyControl is not enabled for your account',
      props: { 'data-control': 'false', 'data-reason': 'feature_disabled' },
    });
    // The same whether or not the customer granted control.
    expect(
      render(
        state({
          features: { ...ALL_FEATURES, screenControl: false },
          grants: { ...NO_GRANTS, view: true },
          controlAllowed: false,
        }),
      ),
    ).toEqual(badge);
  });

  it('says view only, because of the consent, when the customer granted viewing only', () => {
    expect(render(state({ grants: { ...NO_GRANTS, view: true }, controlAllowed: false }))).toMatchObject({
      text: 'View only',
      props: { 'data-control': 'false', 'data-reason': 'consent' },
    });
  });

  it('shows no badge while paused or before the picture', () => {
    expect(render(state({ phase: 'paused' }))).toBeNull();
    expect(render(state({ phase: 'securing' }))).toBeNull();
  });
});
