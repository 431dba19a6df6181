/**
 * The management center's sign-in token, kept in sessionStorage (gone with the tab). The setup
 * page stores the first manager's token here so the management center opens signed in.
 */
import { Token } from '../../../protocol/common';

export const MANAGE_TOKEN_KEY = 'lifeline.manage.token';

export function loadManageToken(): string | null {
  try {
    const parsed = Token.safeParse(window.sessionStorage.getItem(MANAGE_TOKEN_KEY));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveManageToken(token: string | null): void {
  try {
    if (token === null) window.sessionStorage.removeItem(MANAGE_TOKEN_KEY);
    else window.sessionStorage.setItem(MANAGE_TOKEN_KEY, token);
  } catch {
    // Storage refused: the manager signs in again after a reload.
  }
}
