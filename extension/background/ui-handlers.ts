/**
 * What the background does for each request of an extension page (ui-protocol.ts). One handler
 * per request type; the map is checked by the compiler against the union.
 */
import type { ChatFileView } from '../../protocol/chat-file';
import { LoginRequest } from '../../protocol/http-api';
import { useLanguage } from '../lib/i18n';
import { login, logout } from '../lib/login-client';
import { parseServerAddress } from '../lib/server-address';
import { applyPolicy, readStoredSettings, withoutLocked } from '../lib/settings';
import type { AgentController } from './agent-controller';
import type { HelperBridge } from './helper-bridge';
import { saveLastServer, saveNotice, saveStoredSettings } from './persisted-state';
import { UiRefusal, type UiHandlers } from './ui-server';

export interface HandlerDeps {
  agent: AgentController;
  helper: HelperBridge;
  /** The configured server changed: re-register the support-page bridge for it. */
  onServerChanged(origin: string): void;
}

export function createUiHandlers({ agent, helper, onServerChanged }: HandlerDeps): UiHandlers {
  const signedIn = () => {
    if (!agent.state.account) throw new UiRefusal('not_authenticated', 'sign in first');
  };
  /** A step on a chat file: the server answers with the file's new state, which the chat shows. */
  const fileStep = async <R extends { file: ChatFileView }>(
    sessionId: string,
    send: () => Promise<R>,
  ): Promise<R> => {
    signedIn();
    const result = await send();
    agent.updateFile(sessionId, result.file);
    return result;
  };
  const settingsAnswer = () => ({
    effective: agent.state.effective,
    serverOrigin: agent.state.policy.serverUrl ?? agent.state.lastServer,
  });

  return {
    'view.get': async () => agent.view(),

    'auth.login': async (req) => {
      const address = parseServerAddress(agent.state.policy.serverUrl ?? req.server);
      if (!address.ok) return { kind: 'bad_address' };
      const body = LoginRequest.safeParse({
        email: req.email,
        password: req.password,
        ...(req.replace ? { replace: req.replace } : {}),
        ...(req.waitForSeat ? { waitForSeat: true } : {}),
      });
      if (!body.success) return { kind: 'invalid_credentials' };
      const outcome = await login(address.origin, body.data);
      if (outcome.kind === 'ok') {
        // Remembered only once it proved to be a Lifeline server: it prefills the next sign-in
        // and is the server whose support pages may use the helper bridge.
        if (agent.state.lastServer !== address.origin) {
          agent.state.lastServer = address.origin;
          await saveLastServer(address.origin);
          onServerChanged(address.origin);
        }
        await agent.signIn({
          origin: address.origin,
          token: outcome.login.token,
          loginId: outcome.login.loginId,
          agent: outcome.login.agent,
          role: outcome.login.role,
        });
      }
      return outcome;
    },

    'auth.logout': async () => {
      const account = agent.state.account;
      if (account) await logout(account.origin, account.token).catch(() => undefined);
      await agent.signOutLocally(null);
      return {};
    },

    'auth.dismiss_notice': async () => {
      agent.state.notice = null;
      await saveNotice(null);
      agent.pushView();
      return {};
    },

    'presence.set': async (req) => {
      signedIn();
      const result = await agent.socket.request({ type: 'presence.set', status: req.status });
      agent.state.live.presence = result.status;
      agent.persist();
      agent.pushView();
      return { status: result.status };
    },

    'request.accept': async (req) => {
      signedIn();
      const result = await agent.socket.request({ type: 'request.accept', sessionId: req.sessionId });
      agent.removeFromQueue(req.sessionId);
      agent.upsertSession(result.session);
      agent.setTranscript(result.session.id, result.transcript);
      agent.pushView();
      await agent.windows.open(result.session.id);
      return { sessionId: result.session.id };
    },

    'session.window': async (req) => {
      await agent.windows.open(req.sessionId);
      return {};
    },

    'session.detail': async (req) => {
      // Offline, the transcript comes later (with the next welcome); the session is still shown.
      await agent.ensureTranscript(req.sessionId).catch(() => undefined);
      const detail = agent.detail(req.sessionId);
      if (!detail) throw new UiRefusal('session_not_found', 'this session is not yours or has ended');
      return detail;
    },

    'session.end': async (req) => {
      signedIn();
      await agent.socket.request({ type: 'session.end', sessionId: req.sessionId });
      agent.closeSession(req.sessionId, 'ended_by_agent');
      return {};
    },

    'session.comment': async (req) => {
      signedIn();
      await agent.socket.request({ type: 'session.comment', sessionId: req.sessionId, comment: req.comment });
      const session = agent.state.live.sessions.find((s) => s.id === req.sessionId);
      if (session) agent.upsertSession({ ...session, comment: req.comment });
      return {};
    },

    'session.transfer': async (req) => {
      signedIn();
      await agent.socket.request({
        type: 'session.transfer',
        sessionId: req.sessionId,
        target: req.target,
        comment: req.comment,
      });
      agent.closeSession(req.sessionId, 'transferred');
      return {};
    },

    'session.recall': async (req) => {
      signedIn();
      const result = await agent.socket.request({ type: 'session.recall', sessionId: req.sessionId });
      agent.upsertSession(result.session);
      agent.setTranscript(result.session.id, result.transcript);
      agent.pushView();
      agent.pushSession(req.sessionId);
      return {};
    },

    'session.dismiss_returned': async (req) => {
      delete agent.state.live.returned[req.sessionId];
      agent.persist();
      agent.pushSession(req.sessionId);
      return {};
    },

    'request.decline': async (req) => {
      signedIn();
      await agent.socket.request({ type: 'request.decline', sessionId: req.sessionId, reason: req.reason });
      agent.removeFromQueue(req.sessionId);
      agent.pushView();
      return {};
    },

    'callback.handled': async (req) => {
      signedIn();
      await agent.socket.request({ type: 'callback.handled', sessionId: req.sessionId, note: req.note });
      agent.removeFromQueue(req.sessionId);
      agent.pushView();
      return {};
    },

    'chat.send': async (req) => {
      signedIn();
      const result = await agent.socket.request({
        type: 'chat.send',
        sessionId: req.sessionId,
        text: req.text,
      });
      agent.appendLine(result.line);
      agent.pushSession(req.sessionId);
      return result;
    },

    'chat.file_offer': (req) =>
      fileStep(req.sessionId, () =>
        agent.socket.request({
          type: 'chat.file_offer',
          sessionId: req.sessionId,
          name: req.name,
          size: req.size,
          sha256: req.sha256,
        }),
      ),

    'chat.file_answer': (req) =>
      fileStep(req.sessionId, () =>
        agent.socket.request({
          type: 'chat.file_answer',
          sessionId: req.sessionId,
          fileId: req.fileId,
          accept: req.accept,
          ...(req.reason ? { reason: req.reason } : {}),
        }),
      ),

    'chat.file_cancel': (req) =>
      fileStep(req.sessionId, () =>
        agent.socket.request({ type: 'chat.file_cancel', sessionId: req.sessionId, fileId: req.fileId }),
      ),

    'chat.typing': async (req) => {
      agent.socket.send({ type: 'chat.typing', sessionId: req.sessionId, typing: req.typing });
      return {};
    },

    'chat.received': async (req) => {
      agent.socket.send({ type: 'chat.received', sessionId: req.sessionId, seq: req.seq });
      return {};
    },

    'screen.request': async (req) => {
      signedIn();
      const result = await agent.socket.request({ type: 'screen.request', sessionId: req.sessionId });
      const { screens } = agent.state.live;
      // A new request starts over: what the last helper said (declined, stopped) is history.
      const previous = screens[req.sessionId]?.helper ?? null;
      screens[req.sessionId] = {
        joinCode: result.joinCode,
        expiresAt: result.expiresAt,
        helper: previous?.connected ? previous : null,
        downloaded: false,
      };
      agent.persist();
      agent.pushSession(req.sessionId);
      return { joinCode: result.joinCode, expiresAt: result.expiresAt };
    },

    'directory.list': async () => {
      signedIn();
      return agent.socket.request({ type: 'directory.list' });
    },

    'windows.arrange': async (req) => ({ arranged: await agent.windows.arrange(req.mode, req.area) }),

    'settings.get': async () => settingsAnswer(),

    'settings.save': async (req) => {
      const allowed = withoutLocked(req.patch, agent.state.effective.locked);
      const stored = readStoredSettings({ ...agent.state.storedSettings, ...allowed });
      await saveStoredSettings(stored);
      await useLanguage(applyPolicy(stored, agent.state.policy).settings.language);
      agent.applySettings(stored);
      return settingsAnswer();
    },

    'consent.get': async () => helper.current(),

    'consent.answer': async (req) => {
      await helper.answer(req.grants);
      return {};
    },

    'consent.stop': async () => {
      await helper.stop();
      return {};
    },

    'consent.file_cancel': async (req) => {
      await helper.cancelFile(req.fileId);
      return {};
    },

    'consent.file_offer': async () => ({ outcome: await helper.offerFile() }),

    'consent.file_withdraw': async () => {
      await helper.withdrawOffer();
      return {};
    },
  };
}
