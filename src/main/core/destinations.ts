/** The destinations of docs/protocol.md §2, in one place. */
export const LISTEN_DESTINATION = '/tapi/listen';
export const CALL_DESTINATION = '/tapi/call';
export const LISTEN_REPLY_DESTINATION = '/topic/is-listen-init';
export const ERRORS_DESTINATION = '/user/queue/errors';
/** Where a page subscribes for the events of every call on its extension. */
export const CALL_EVENTS_DESTINATION = '/user/queue/call-events';

const POP_PREFIX = '/user/queue/incoming-call-user';

/**
 * Where a session's screen-pop may go, in order of preference: it goes to the first of these
 * the session subscribed to, once. First the session's own destination — as the reference page
 * client names it over http, then over https, where its `replace("http","")` leaves an `s`
 * before the SockJS server id (`s000/<id>`) — then its APEX session's, then the plain one.
 */
export function screenPopChoices(
  stompSessionId: string,
  sockjsServerId: string | null,
  apexSession: string,
): string[] {
  const choices = [`${POP_PREFIX}${stompSessionId}`];
  if (sockjsServerId !== null) choices.push(`${POP_PREFIX}s${sockjsServerId}/${stompSessionId}`);
  if (apexSession !== stompSessionId) choices.push(`${POP_PREFIX}${apexSession}`);
  choices.push('/user/queue/incoming-call');
  return choices;
}
