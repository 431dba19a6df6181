/**
 * First run: while no manager exists, the server makes a one-time setup token (256 random bits,
 * kept in memory as its SHA-256 only; a new one at each start) and prints the link
 * `<publicUrl>/setup#<token>` (the fragment never reaches a server log or a proxy). Whoever holds
 * the link creates the company and its first manager. No default password exists anywhere.
 *
 * The store decides whether setup is still open: as soon as any manager exists (made here, by
 * the CLI in another process, or otherwise) setup is sealed for good and its routes answer 404.
 */
import { timingSafeEqual } from 'node:crypto';
import { ProtocolError } from '../../protocol/errors';
import type { LoginResponse, SetupRequest } from '../../protocol/http-api';
import type { AccountService } from '../accounts/account-service';
import type { AuthService } from '../auth/auth-service';
import { passwordProblem } from '../auth/passwords';
import { hashToken, newToken } from '../auth/tokens';
import type { ServerContext } from '../context';

/** Audit actor for changes made through the setup link. */
export const SETUP_ACTOR = 'setup';

export class FirstRunSetup {
  private tokenHash: Buffer | null = null;
  /** Set while one setup request is creating the manager, so a second one cannot race it. */
  private busy = false;

  constructor(
    private readonly ctx: ServerContext,
    private readonly accounts: AccountService,
    private readonly auth: AuthService,
  ) {}

  /**
   * At start: when no manager exists, makes a fresh token and returns it (the only time the token
   * exists in clear; the caller builds the link). Returns null when setup is already done.
   */
  async prepare(): Promise<string | null> {
    if ((await this.ctx.store.users.countManagers()) > 0) return null;
    const token = newToken();
    this.tokenHash = Buffer.from(hashToken(token));
    return token;
  }

  /** True while setup is open: a token was made and still no manager exists. */
  async open(): Promise<boolean> {
    if (!this.tokenHash) return false;
    if ((await this.ctx.store.users.countManagers()) > 0) {
      this.tokenHash = null;
      return false;
    }
    return true;
  }

  /** Creates the company and its first manager, seals setup, and signs the manager in. */
  async complete(input: SetupRequest, address: string): Promise<LoginResponse> {
    if (!(await this.open()) || this.busy) throw sealed();
    if (!this.tokenMatches(input.setupToken)) {
      await this.ctx.audit({ actor: 'anonymous', action: 'setup.bad_token', address });
      throw new ProtocolError(
        'token_invalid',
        'this setup link is not valid; use the link the server printed',
      );
    }
    const problem = passwordProblem(input.password, input.email);
    if (problem) throw new ProtocolError('weak_password', `password too weak: ${problem}`);
    this.busy = true;
    try {
      const company = await this.accounts.createCompany(input.companyName, SETUP_ACTOR);
      const manager = await this.accounts.addUser(
        { email: input.email, name: input.name, role: 'manager', password: input.password },
        SETUP_ACTOR,
      );
      this.tokenHash = null;
      await this.ctx.audit({
        actor: SETUP_ACTOR,
        action: 'setup.complete',
        target: manager.id,
        details: { company: company.name, email: manager.email },
        address,
      });
      this.ctx.log.info('setup_complete', { manager: manager.email });
    } finally {
      this.busy = false;
    }
    return this.auth.login({ email: input.email, password: input.password, address });
  }

  private tokenMatches(token: string): boolean {
    if (!this.tokenHash) return false;
    const given = Buffer.from(hashToken(token));
    return given.length === this.tokenHash.length && timingSafeEqual(given, this.tokenHash);
  }
}

function sealed(): ProtocolError {
  return new ProtocolError('setup_already_done', 'setup is done; sign in instead');
}
