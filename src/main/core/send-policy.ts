import { CALL_DESTINATION, LISTEN_DESTINATION } from './destinations.js';
import { quote } from './client-text.js';

/** Where clients may SEND: everything else is a protocol error (docs/protocol.md §2). */
const APPLICATION_PREFIX = '/tapi/';

/**
 * What a client's SEND to `destination` is — the one place that decides it
 * (docs/protocol.md §2). SUBSCRIBE is not restricted: pages name their own screen-pop
 * destinations (`screenPopChoices`), and only what the router delivers ever arrives there.
 */
export type SendTarget =
  | { kind: 'listen' }
  | { kind: 'call' }
  /** Under `/tapi/` but no request the agent knows: answered `BAD_REQUEST`, the session stays. */
  | { kind: 'unknown'; message: string }
  /** Outside `/tapi/`: a protocol error (`FORBIDDEN_DESTINATION`), the session is closed. */
  | { kind: 'forbidden'; message: string };

export function sendTarget(destination: string): SendTarget {
  if (destination === LISTEN_DESTINATION) return { kind: 'listen' };
  if (destination === CALL_DESTINATION) return { kind: 'call' };
  if (!destination.startsWith(APPLICATION_PREFIX)) {
    return {
      kind: 'forbidden',
      message: `clients may only send to ${APPLICATION_PREFIX}…, not to ${quote(destination)}`,
    };
  }
  return {
    kind: 'unknown',
    message: `there is no destination ${quote(destination)}; use ${LISTEN_DESTINATION} or ${CALL_DESTINATION}`,
  };
}
