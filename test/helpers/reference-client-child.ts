import { loadReferenceClient } from './stomp-clients.js';

/**
 * The reference page client in a child process, so that the parent can give it a CA through
 * NODE_EXTRA_CA_CERTS (sockjs-client's Node drivers take no TLS options). Argument: the base
 * URL and, optionally, the one SockJS transport to use. It reports over IPC: `listening`,
 * `caller`, `error`; the parent sends `close` when done.
 */
const [base = '', transport] = process.argv.slice(2);
const send = (message: object): void => {
  process.send?.(message);
};
const reference = loadReferenceClient(transport ? [transport] : undefined);
const client = reference.connectReferenceClient({
  base,
  apexSession: 'apex-alice',
  onCaller: (caller) => send({ type: 'caller', caller }),
  onListenInit: (frame) =>
    send({
      type: 'listening',
      body: frame.body,
      transport: client.ws.transport,
      sessionId: client.sessionId,
    }),
  onError: (frame) =>
    send({ type: 'error', error: typeof frame === 'string' ? frame : frame.body }),
});
process.on('message', () => {
  client.ws.close();
  process.disconnect?.();
});
