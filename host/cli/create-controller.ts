/**
 * The one place that chooses the HelperController both modes drive. For now that is the
 * in-memory state machine (host/native/local-helper-controller.ts): the session client that
 * connects to the server is not in this build, so a join is validated and recorded, and a line on
 * stderr says that nothing connects. Replace the body of this function when the client lands.
 */
import type { HelperController } from '../native/helper-controller';
import { LocalHelperController } from '../native/local-helper-controller';

export function createHelperController(log: (line: string) => void): HelperController {
  const local = new LocalHelperController();
  return {
    join: async (request) => {
      log(`the session client is not in this build: ${request.server} will not be contacted`);
      return local.join(request);
    },
    consent: (grants) => local.consent(grants),
    stop: () => local.stop(),
    onEvent: (listener) => local.onEvent(listener),
    close: () => local.close(),
  };
}
