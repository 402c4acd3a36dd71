/** The destinations of docs/protocol.md §2, in one place. */
export const LISTEN_DESTINATION = '/tapi/listen';
export const CALL_DESTINATION = '/tapi/call';
export const LISTEN_REPLY_DESTINATION = '/topic/is-listen-init';
export const ERRORS_DESTINATION = '/user/queue/errors';

/** Every destination a session's screen-pop goes to. */
export function incomingCallDestinations(stompSessionId: string, apexSession: string): string[] {
  const all = [
    `/user/queue/incoming-call-user${stompSessionId}`,
    `/user/queue/incoming-call-user${apexSession}`,
    '/user/queue/incoming-call',
  ];
  return all[0] === all[1] ? ([all[0], all[2]] as string[]) : all;
}
