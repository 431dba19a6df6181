/**
 * What the helper does for each extension->host request: one handler per ExtensionToHost type
 * (a missing one does not compile), each returning the `result` its reply carries, typed per
 * request by NATIVE_RESULTS. Handlers throw ProtocolError to answer with a code.
 */
import os from 'node:os';
import path from 'node:path';
import type * as z from 'zod';
import { ProtocolError } from '../../protocol/errors';
import type { HandlerMap, MessageOf } from '../../protocol/message';
import type { ExtensionToHost, NATIVE_RESULTS } from '../../protocol/native-channel';
import type { HelperController } from './helper-controller';
import type { OsDescription } from './os-info';
import { parseServerUrl } from './server-url';
import type { FileChooser } from '../platform/types';

export interface NativeContext {
  controller: HelperController;
  /** The helper's version (package.json). */
  version: string;
  os: OsDescription;
  log: (line: string) => void;
  /**
   * The system's file chooser for "Send a file to the agent..." (host/platform/registry.ts), or
   * null where there is none: host.file_offer then answers unavailable.
   */
  fileChooser?: FileChooser | null;
  /** The words of the chooser's title, in the customer's language. */
  chooserTitle?: string;
  /** Where the chooser opens (the customer's home folder). */
  chooserStart?: string;
}

type NativeType = ExtensionToHost['type'];
export type NativeResult<K extends NativeType> = z.output<(typeof NATIVE_RESULTS)[K]>;

/** HandlerMap, refined so that each handler's result has its request's reply type. */
export type NativeHandlers = {
  [K in NativeType]: (msg: MessageOf<ExtensionToHost, K>, ctx: NativeContext) => Promise<NativeResult<K>>;
};

export const nativeHandlers = {
  'host.hello': async (msg, ctx) => {
    ctx.log(`extension ${msg.extensionVersion} said hello`);
    return { version: ctx.version, os: ctx.os.os, supported: ctx.os.supported };
  },
  'host.join': async (msg, ctx) => {
    const server = parseServerUrl(msg.server);
    return ctx.controller.join({ server, joinCode: msg.joinCode });
  },
  'host.resume': async (msg, ctx) => {
    const server = parseServerUrl(msg.server);
    if (!ctx.controller.resumeSaved)
      throw new ProtocolError('not_found', 'this helper cannot resume a saved session');
    return ctx.controller.resumeSaved(server);
  },
  'host.consent': (msg, ctx) => ctx.controller.consent(msg.grants),
  'host.stop': (_msg, ctx) => ctx.controller.stop(),
  'host.file_cancel': async (msg, ctx) => {
    const files = ctx.controller.fileTransfers;
    // Unknown, already ended, or a copy whose agent is away (it restarts when the agent asks).
    if (!files || !(await files.cancel(msg.fileId))) {
      throw new ProtocolError('not_found', 'no file transfer in progress has this id', {
        fileId: msg.fileId,
      });
    }
    return { fileId: msg.fileId };
  },
  'host.file_offer': async (_msg, ctx) => {
    const files = ctx.controller.fileTransfers;
    if (!files?.offerFile || !files.agentLinked)
      throw new ProtocolError('unavailable', 'no agent is connected to receive the file');
    if (!ctx.fileChooser)
      throw new ProtocolError('unavailable', 'this system has no file chooser the helper can show');
    const chosen = await ctx.fileChooser.choose({
      title: ctx.chooserTitle ?? 'Choose the file to send to the agent',
      startDir: ctx.chooserStart ?? os.homedir(),
    });
    if (chosen === null) return { outcome: 'cancelled' };
    // The customer may have taken their time: the agent may have left, files been revoked.
    await files.offerFile(chosen);
    return { outcome: 'offered', name: path.basename(chosen) };
  },
  'host.file_withdraw': async (_msg, ctx) => {
    const name = ctx.controller.fileTransfers?.withdrawOffer?.() ?? null;
    if (name === null) throw new ProtocolError('not_found', 'no file is waiting for the agent\u2019s answer');
    return { name };
  },
} satisfies NativeHandlers satisfies HandlerMap<ExtensionToHost, NativeContext, unknown>;
