/**
 * What the helper does for each extension->host request: one handler per ExtensionToHost type
 * (a missing one does not compile), each returning the `result` its reply carries, typed per
 * request by NATIVE_RESULTS. Handlers throw ProtocolError to answer with a code.
 */
import type * as z from 'zod';
import { ProtocolError } from '../../protocol/errors';
import type { HandlerMap, MessageOf } from '../../protocol/message';
import type { ExtensionToHost, NATIVE_RESULTS } from '../../protocol/native-channel';
import type { HelperController } from './helper-controller';
import type { OsDescription } from './os-info';
import { parseServerUrl } from './server-url';

export interface NativeContext {
  controller: HelperController;
  /** The helper's version (package.json). */
  version: string;
  os: OsDescription;
  log: (line: string) => void;
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
} satisfies NativeHandlers satisfies HandlerMap<ExtensionToHost, NativeContext, unknown>;
