/**
 * The customer's slow-link advice says the FAQ's three things in the page's language. Rendered as
 * Preact's element tree (the component has no hooks) with the real catalogs.
 */
import { isValidElement } from 'preact';
import { describe, expect, it } from 'vitest';
import { createI18n } from '../../../ui/i18n/i18n';
import { SlowLinkAdvice } from '../../../ui/support/views/slow-link-advice';

function textOf(n: unknown): string {
  if (n === null || n === undefined || typeof n === 'boolean') return '';
  if (typeof n === 'string' || typeof n === 'number') return String(n);
  if (Array.isArray(n)) return n.map(textOf).join('\n');
  if (isValidElement(n)) return textOf((n.props as { children?: unknown }).children);
  return '';
}

function render(lang: 'en' | 'fr'): string {
  const { t } = createI18n({ storage: null, preferred: [lang] });
  return textOf(SlowLinkAdvice({ t, agent: 'Anna' }));
}

describe('SlowLinkAdvice', () => {
  it('gives the FAQ advice in French', () => {
    const text = render('fr');
    expect(text).toContain('La connexion est lente');
    expect(text).toContain('Anna voit votre écran avec du retard');
    expect(text).toContain('Fermez les programmes qui diffusent de la vidéo ou de la musique');
    expect(text).toContain("fond d'écran");
    expect(text).toContain("que vous n'utilisez pas");
  });

  it('and in English', () => {
    const text = render('en');
    expect(text).toContain('The connection is slow');
    expect(text).toContain('Close programs that stream video or music');
    expect(text).toContain('plainer desktop wallpaper');
    expect(text).toContain('you are not using');
  });
});
