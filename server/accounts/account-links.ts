/**
 * One-time account links: an invitation (a new user chooses their first password) and a password
 * reset (the user chooses a new one; the old one works until then). A link is
 * `<public URL>/activate#<token>`: 256 random bits after `#`, so it never reaches a request line
 * or a proxy log; only its SHA-256 is stored. It works once, until it expires, and a newer link
 * for the same person replaces it. When SMTP is configured the link goes out by e-mail and is not
 * shown to the manager; otherwise (or when sending fails) the manager gets it to pass on.
 * No password ever travels in an e-mail or a log: the person types it on the page.
 */
import { ProtocolError } from '../../protocol/errors';
import type { AccountLinkInfo, LinkResult } from '../../protocol/manage-api';
import type { AuthService } from '../auth/auth-service';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { hashToken, newToken } from '../auth/tokens';
import type { ServerContext } from '../context';
import { accountMail, type MailLanguage } from '../mail/account-mail';
import type { Mailer } from '../mail/mailer';
import type { AccountLinkRecord, LinkPurpose } from '../store/manage-store';
import type { UserRecord } from '../store/store';

/** How long an invitation link works, in ms. */
export const INVITE_TTL_MS = 7 * 24 * 3600_000;
/** How long a password-reset link works, in ms. */
export const RESET_TTL_MS = 24 * 3600_000;

const TTL: Record<LinkPurpose, number> = { invite: INVITE_TTL_MS, reset: RESET_TTL_MS };

export class AccountLinks {
  constructor(
    private readonly ctx: ServerContext,
    private readonly auth: AuthService,
    private readonly mailer: Mailer,
    /** The server's public URL (known once it listens). */
    private readonly baseUrl: () => string,
  ) {}

  /**
   * A new link for the user: an invitation while they have no password, else a reset. Sent by
   * e-mail when SMTP is configured; the answer carries the link only when it was not e-mailed.
   */
  async issue(user: UserRecord, actor: string, language: MailLanguage): Promise<LinkResult> {
    if (user.state === 'deactivated')
      throw new ProtocolError('account_inactive', `${user.email} is deactivated; activate the account first`);
    const purpose: LinkPurpose = user.passwordHash === null ? 'invite' : 'reset';
    const now = this.ctx.now();
    const token = newToken();
    const expiresAt = now + TTL[purpose];
    await this.ctx.store.manage.links.insert({
      tokenHash: hashToken(token),
      userId: user.id,
      purpose,
      createdBy: actor,
      createdAt: now,
      expiresAt,
      usedAt: null,
      revokedAt: null,
    });
    const link = `${this.baseUrl()}/activate#${token}`;
    let emailed = false;
    let emailError: string | undefined;
    if (this.mailer.configured) {
      const company = (await this.ctx.store.company.get())?.name ?? 'Lifeline';
      try {
        await this.mailer.send(
          accountMail({ purpose, language, to: user.email, name: user.name, company, link, expiresAt }),
        );
        emailed = true;
      } catch (err) {
        emailError = err instanceof Error ? err.message : String(err);
        this.ctx.log.warn('account_mail_failed', { user: user.id, error: emailError });
      }
    }
    await this.ctx.audit({
      actor,
      action: purpose === 'invite' ? 'user.invite' : 'user.reset_link',
      target: user.id,
      details: { emailed, expiresAt },
    });
    return {
      purpose,
      expiresAt,
      emailed,
      ...(emailed ? {} : { link }),
      ...(emailError ? { emailError } : {}),
    };
  }

  /** What a link is for, without using it (the page greets the person by name). */
  async describe(token: string): Promise<AccountLinkInfo> {
    const link = await this.liveLink(token);
    const user = await this.userOf(link);
    return { purpose: link.purpose, email: user.email, name: user.name, expiresAt: link.expiresAt };
  }

  /** Sets the password chosen on the page and uses the link up (once, atomically). */
  async use(token: string, password: string, address: string): Promise<UserRecord> {
    const link = await this.liveLink(token);
    const user = await this.userOf(link);
    const problem = passwordProblem(password, user.email);
    if (problem) throw new ProtocolError('weak_password', `password too weak: ${problem}`);
    const passwordHash = await hashPassword(password);
    const used = await this.ctx.store.manage.links.consume(link.tokenHash, this.ctx.now());
    if (!used) throw await this.whyDead(token);
    const state = user.state === 'invited' ? 'active' : user.state;
    await this.ctx.store.users.update(user.id, { passwordHash, state, updatedAt: this.ctx.now() });
    await this.auth.endAllLogins(user.id, 'password_reset');
    await this.ctx.audit({
      actor: user.id,
      action: link.purpose === 'invite' ? 'user.activate_link' : 'user.reset_password',
      target: user.id,
      details: { via: 'link' },
      address,
    });
    return { ...user, passwordHash, state };
  }

  private async liveLink(token: string): Promise<AccountLinkRecord> {
    const link = await this.ctx.store.manage.links.byTokenHash(hashToken(token));
    if (!link || link.usedAt !== null || link.revokedAt !== null || link.expiresAt <= this.ctx.now())
      throw await this.whyDead(token);
    return link;
  }

  private async whyDead(token: string): Promise<ProtocolError> {
    const link = await this.ctx.store.manage.links.byTokenHash(hashToken(token));
    if (!link)
      return new ProtocolError('link_invalid', 'this link is not known; ask your manager for a new one');
    if (link.usedAt !== null || link.revokedAt !== null)
      return new ProtocolError(
        'link_used',
        'this link has been used or replaced; ask your manager for a new one',
      );
    return new ProtocolError('link_expired', 'this link has expired; ask your manager for a new one');
  }

  private async userOf(link: AccountLinkRecord): Promise<UserRecord> {
    const user = await this.ctx.store.users.byId(link.userId);
    if (!user)
      throw new ProtocolError('link_invalid', 'this link is not known; ask your manager for a new one');
    if (user.state === 'deactivated')
      throw new ProtocolError('account_inactive', 'this account is deactivated; contact your manager');
    return user;
  }
}
