/**
 * Entry of the support page (/support/<portal>): reads the portal from the address, builds the
 * controller with the real WebSocket, sessionStorage and the extension bridge, and mounts the app.
 */
import '../../../ui/strict-csp-zod';
import { render } from 'preact';
import { PortalInfoResponse } from '../../../protocol/http-api';
import { Slug } from '../../../protocol/common';
import { createPageI18n } from '../../../ui/i18n/i18n';
import { I18nProvider } from '../../../ui/i18n/use-i18n';
import { clientInfo } from '../../../ui/support/detect-browser';
import { browserOs } from '../../../ui/support/detect-os';
import { PageBridgeClient } from '../../../ui/support/page-bridge-client';
import { RequestStore, type KeyValueStorage } from '../../../ui/support/request-store';
import { SupportController } from '../../../ui/support/support-controller';
import { SupportApp } from '../../../ui/support/views/support-app';
import { ApiError, apiJson } from '../shared/api-client';
import '../shared/page.css';

function sessionStore(): KeyValueStorage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

const slugText = decodeURIComponent(location.pathname.replace(/^\/support\//, '').replace(/\/$/, ''));
const slug = Slug.safeParse(slugText);
const i18n = createPageI18n();
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

const controller = new SupportController({
  slug: slug.success ? slug.data : 'unknown',
  language: i18n.language,
  client: clientInfo(browserOs(), navigator.userAgent),
  wsUrl,
  createSocket: (url) => new WebSocket(url),
  createDataSocket: (url) => new WebSocket(url),
  fetchPortal: async (s) => {
    if (!slug.success) return null;
    try {
      const info = await apiJson(`/api/v1/portals/${encodeURIComponent(s)}`, PortalInfoResponse);
      // The portal's colour, chosen by its manager (#rrggbb, checked by the schema), through
      // CSSOM: the page's strict CSP allows no style attribute or inline style.
      if (info.colour) {
        document.documentElement.style.setProperty('--ll-accent', info.colour);
        document.documentElement.style.setProperty('--ll-accent-dark', info.colour);
      }
      return { name: info.name, agentsAvailable: info.agentsAvailable };
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'portal_not_found' || err.code === 'not_found'))
        return null;
      throw err;
    }
  },
  store: new RequestStore(sessionStore(), slug.success ? slug.data : 'unknown'),
  createBridge: (onChange, onStatus) => new PageBridgeClient(window, onChange, onStatus),
});

window.addEventListener('online', () => controller.reconnectNow());
i18n.subscribe(() => controller.setLanguage(i18n.language));

const root = document.getElementById('app');
if (root) {
  render(
    <I18nProvider i18n={i18n}>
      <SupportApp controller={controller} />
    </I18nProvider>,
    root,
  );
  controller.start();
}
