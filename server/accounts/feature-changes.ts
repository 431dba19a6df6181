/**
 * A manager changed an agent's features: tell the agent's open sockets (`agent.features`, so the
 * chat window offers or withdraws a tool at once) and the relay (so the next frame of a viewer
 * already open is checked against the new ones). Changes made by the CLI, another process, reach
 * the agent at their next sign-in or viewer hello.
 */
import type { Features } from '../../protocol/common';
import type { Store } from '../store/store';
import type { SupportWorkflow } from '../support-workflow';

export async function applyFeatureChange(
  workflow: SupportWorkflow,
  store: Store,
  userId: string,
  features: Features,
): Promise<void> {
  workflow.presence.send(userId, { type: 'agent.features', features: { ...features } });
  for (const s of await store.sessions.open()) {
    if (s.agentId === userId) workflow.screen.relay.setViewerFeatures(s.id, features);
  }
}
