/**
 * The helper's state machine with no network behind it: an in-memory HelperController. It keeps
 * state and grants exactly as the contract says and refuses illegal transitions, but never
 * connects anywhere. Tests drive it (requestConsent() plays the part of the server asking for
 * consent), and the CLI uses it until the session client (which connects to the server) exists.
 *
 *   idle --join--> connecting --requestConsent--> waiting_consent --consent(any)--> sharing
 *   sharing --consent(none)--> waiting_consent        any but ended --stop--> ended
 */
import { NO_GRANTS, type Grants } from '../../protocol/common';
import { ProtocolError } from '../../protocol/errors';
import type { HelperState } from '../../protocol/native-channel';
import type { HelperController, HelperEvent, JoinRequest } from './helper-controller';

export class LocalHelperController implements HelperController {
  private state: HelperState = 'idle';
  private grants: Grants = { ...NO_GRANTS };
  private agentNames: string[] = [];
  private readonly listeners = new Set<(event: HelperEvent) => void>();
  /** The last join request, for callers that report what would be done with it. */
  lastJoin: JoinRequest | null = null;

  currentState(): HelperState {
    return this.state;
  }

  async join(request: JoinRequest): Promise<{ state: HelperState }> {
    this.require('join', ['idle']);
    this.lastJoin = { ...request };
    this.moveTo('connecting');
    return { state: this.state };
  }

  /** What the session client calls when an agent asks to see the screen. */
  requestConsent(agentName: string, requested: Grants): void {
    this.require('requestConsent', ['connecting', 'waiting_consent', 'sharing']);
    if (!this.agentNames.includes(agentName)) this.agentNames.push(agentName);
    if (this.state === 'connecting') this.moveTo('waiting_consent');
    this.emit({ type: 'host.consent_needed', agentName, requested: { ...requested } });
  }

  async consent(grants: Grants): Promise<{ grants: Grants }> {
    this.require('consent', ['waiting_consent', 'sharing']);
    this.grants = { ...grants };
    this.moveTo(Object.values(grants).some(Boolean) ? 'sharing' : 'waiting_consent');
    return { grants: { ...this.grants } };
  }

  async stop(): Promise<{ state: HelperState }> {
    this.require('stop', ['idle', 'connecting', 'waiting_consent', 'sharing', 'reconnecting']);
    this.grants = { ...NO_GRANTS };
    this.moveTo('ended');
    return { state: this.state };
  }

  onEvent(listener: (event: HelperEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.state !== 'ended') await this.stop();
    this.listeners.clear();
  }

  private require(action: string, from: HelperState[]): void {
    if (!from.includes(this.state)) {
      throw new ProtocolError('illegal_transition', `cannot ${action} while ${this.state}`, {
        state: this.state,
      });
    }
  }

  /** Every state change is announced, so the extension's view never drifts from ours. */
  private moveTo(next: HelperState): void {
    this.state = next;
    this.emit({
      type: 'host.status',
      state: next,
      grants: { ...this.grants },
      agentNames: [...this.agentNames],
    });
  }

  private emit(event: HelperEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
