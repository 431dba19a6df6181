import { describe, expect, it, vi } from 'vitest';

vi.mock('webextension-polyfill', () => ({ default: { i18n: { getMessage: () => '' } } }));
const { render } = await import('../../../extension/lib/i18n');

describe('catalog rendering (the same rules as browser.i18n.getMessage)', () => {
  it('fills named placeholders from their $1..$9 contents', () => {
    const entry = {
      message: 'Customer waiting: $NAME$ on $P2$',
      placeholders: { name: { content: '$1' }, p2: { content: '$2' } },
    };
    expect(render(entry, ['Dana', 'Printers'])).toBe('Customer waiting: Dana on Printers');
  });

  it('does not expand placeholders that arrive inside substituted text', () => {
    const entry = { message: 'Hello $P1$', placeholders: { p1: { content: '$1' } } };
    expect(render(entry, ['$2 and $P1$'])).toBe('Hello $2 and $P1$');
  });

  it('writes $$ as one dollar sign and leaves unknown names alone', () => {
    expect(render({ message: 'Costs $$5, $UNKNOWN$' }, [])).toBe('Costs $5, $UNKNOWN$');
  });

  it('renders nothing for a missing entry (the caller falls back to the key)', () => {
    expect(render(undefined, [])).toBe('');
  });
});
