/**
 * A refused password says why, end to end: the server's `weak_password` carries `details.reason`
 * (too short, contains the e-mail's name, one repeated character), and the pages' words name that
 * reason in English and French instead of a generic "use a longer one" (which hid that a long
 * password was refused for containing the e-mail's name).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../protocol/errors';
import { weakPasswordError } from '../../../server/auth/passwords';
import { ApiError } from '../../../server/pages/shared/api-client';
import { apiErrorText } from '../../../server/pages/shared/error-text';
import { createI18n } from '../../../ui/i18n/i18n';
import { startTestServer, type TestServer } from '../../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const words = (lang: 'en' | 'fr', err: unknown) =>
  apiErrorText(createI18n({ storage: null, preferred: [lang] }).t, err);

describe('a refused password says why', () => {
  it('the server names the reason in the error details', async () => {
    const err = await server.services.accounts
      .addUser(
        { email: 'dominique@example.com', name: 'Dom', role: 'agent', password: 'Dominique-2026-long!' },
        'test',
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err).toMatchObject({ code: 'weak_password', details: { reason: 'contains_email_name' } });
    expect(weakPasswordError('short', 'a@b.c')?.details).toEqual({ reason: 'too_short' });
    expect(weakPasswordError('zzzzzzzzzzzzzzzz', 'a@b.c')?.details).toEqual({ reason: 'one_character' });
    expect(weakPasswordError('a fine long passphrase', 'dominique@example.com')).toBeNull();
  });

  it('the pages say the real reason, in English and French', () => {
    const api = (reason: string) => new ApiError('weak_password', 'password too weak', 400, { reason });
    expect(words('en', api('contains_email_name'))).toBe(
      'This password contains the name of your e-mail address. Choose one without it.',
    );
    expect(words('fr', api('contains_email_name'))).toBe(
      'Ce mot de passe contient le nom de votre adresse e-mail. Choisissez-en un qui ne le contient pas.',
    );
    expect(words('en', api('too_short'))).toBe('This password is too short. Use a longer one.');
    // An unknown reason (an older or newer server) gets the general words.
    expect(words('en', api('something_else'))).toBe('This password is too weak. Use a longer one.');
  });
});
