import { describe, expect, it } from 'vitest';
import { BridgeRequest, PortName, UI_RESULTS, UiRequest, UiPush } from '../../../extension/lib/ui-protocol';

describe('the extension messaging protocol', () => {
  it('accepts the requests it declares and rebuilds them from the declared fields', () => {
    const parsed = UiRequest.parse({ type: 'chat.send', sessionId: 's1', text: 'hi', extra: 'dropped' });
    expect(parsed).toEqual({ type: 'chat.send', sessionId: 's1', text: 'hi' });
  });

  it('refuses unknown requests, bad ids, and control characters in chat text', () => {
    expect(UiRequest.safeParse({ type: 'session.delete_everything' }).success).toBe(false);
    expect(UiRequest.safeParse({ type: 'session.end', sessionId: '../etc' }).success).toBe(false);
    expect(UiRequest.safeParse({ type: 'chat.send', sessionId: 's1', text: 'a\u0000b' }).success).toBe(false);
    expect(
      UiRequest.safeParse({
        type: 'windows.arrange',
        mode: 'cascade',
        area: { left: 0, top: 0, width: 10, height: 10 },
      }).success,
    ).toBe(false);
  });

  it('has a result schema for every request type', () => {
    const types = UiRequest.options.map((o) => o.shape.type.value);
    expect(Object.keys(UI_RESULTS).sort()).toEqual([...types].sort());
  });

  it('keeps content-script requests apart from page requests', () => {
    expect(BridgeRequest.safeParse({ type: 'auth.logout' }).success).toBe(false);
    expect(UiRequest.safeParse({ type: 'bridge.start', joinCode: '123456789' }).success).toBe(false);
  });

  it('names push ports strictly', () => {
    for (const ok of ['popup', 'options', 'consent', 'chat:abc_DEF-1'])
      expect(PortName.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['chat:', 'chat:a/b', 'viewer', 'popup2'])
      expect(PortName.safeParse(bad).success, bad).toBe(false);
    expect(UiPush.safeParse({ type: 'view', view: {} }).success).toBe(false);
  });
});
