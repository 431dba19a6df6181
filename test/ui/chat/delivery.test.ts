import { describe, expect, it } from 'vitest';
import type { ChatLine } from '../../../protocol/common';
import { deliveryOf, isOwnLine, lastPeerSeq } from '../../../ui/chat/delivery';
import { messageToSend } from '../../../ui/chat/composer';
import { CHAT_TEXT_MAX_CHARS } from '../../../protocol/limits';

const line = (seq: number, from: ChatLine['from']): ChatLine => ({
  sessionId: 's1',
  seq,
  from,
  text: 't',
  at: 0,
});
const customer = { kind: 'customer', name: 'Chloé' } as const;
const agent = { kind: 'agent', name: 'Anna', agentId: 'a1' } as const;
const otherAgent = { kind: 'agent', name: 'Bob', agentId: 'a2' } as const;

describe('delivery marks', () => {
  it('knows whose lines are whose, on each side', () => {
    expect(isOwnLine(line(1, customer), { kind: 'customer' })).toBe(true);
    expect(isOwnLine(line(1, agent), { kind: 'customer' })).toBe(false);
    expect(isOwnLine(line(1, agent), { kind: 'agent', agentId: 'a1' })).toBe(true);
    // After a transfer the previous agent's lines are not "mine" for the new agent.
    expect(isOwnLine(line(1, otherAgent), { kind: 'agent', agentId: 'a1' })).toBe(false);
    expect(isOwnLine(line(1, { kind: 'system' }), { kind: 'customer' })).toBe(false);
  });

  it('shows two ticks only up to the acknowledged seq', () => {
    expect(deliveryOf(line(3, customer), 2)).toBe('sent');
    expect(deliveryOf(line(2, customer), 2)).toBe('delivered');
    expect(deliveryOf(line(1, customer), 5)).toBe('delivered');
  });

  it('finds the newest line of the other side', () => {
    const lines = [line(1, customer), line(2, agent), line(3, { kind: 'system' }), line(4, customer)];
    expect(lastPeerSeq(lines, { kind: 'customer' })).toBe(3);
    expect(lastPeerSeq(lines, { kind: 'agent', agentId: 'a1' })).toBe(4);
    expect(lastPeerSeq([line(1, customer)], { kind: 'customer' })).toBe(0);
  });
});

describe('messageToSend', () => {
  it('trims, refuses blank text, drops control characters and caps the length', () => {
    expect(messageToSend('  hello \n')).toBe('hello');
    expect(messageToSend('   \n\t')).toBeNull();
    expect(messageToSend('a\u0000b\u0007c')).toBe('abc');
    expect(messageToSend('line 1\nline 2')).toBe('line 1\nline 2');
    expect(messageToSend('x'.repeat(CHAT_TEXT_MAX_CHARS + 10))?.length).toBe(CHAT_TEXT_MAX_CHARS);
  });
});
