/**
 * A manager changed an agent's features: tell the agent's open sockets (`agent.features`, so the
 * chat window offers or withdraws a tool at once). Their open viewer and share sockets follow
 * already: AccountService.updateUser tells presence/live-features.ts (app.ts), which updates the
 * relay's copy (the next frame is checked against the new features), tells each viewer
 * (`viewer.features`) and closes what the agent may no longer do. Changes made by the CLI,
 * another process, reach viewers at the server's next login check and the agent's other sockets
 * at their next sign-in.
 */
import type { Features } from '../../protocol/common';
import type { SupportWorkflow } from '../support-workflow';

export function applyFeatureChange(workflow: SupportWorkflow, userId: string, features: Features): void {
  workflow.presence.send(userId, { type: 'agent.features', features: { ...features } });
}
