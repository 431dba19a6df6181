/** What the management API's routes are built from (app.ts makes one of these per server). */
import type { AccountLinks } from '../../accounts/account-links';
import type { AccountService } from '../../accounts/account-service';
import type { ApiTokens } from '../../accounts/api-tokens';
import type { AuthService } from '../../auth/auth-service';
import type { ServerContext } from '../../context';
import type { SupportWorkflow } from '../../support-workflow';
import type { WebhookService } from '../../webhooks/webhook-service';

export interface ManageDeps {
  ctx: ServerContext;
  auth: AuthService;
  accounts: AccountService;
  workflow: SupportWorkflow;
  links: AccountLinks;
  apiTokens: ApiTokens;
  webhooks: WebhookService;
  /** The server's public URL, for the links it hands out (known once it listens). */
  baseUrl(): string;
}
