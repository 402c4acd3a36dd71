// The agent's own sockjs-client build (the file it serves as sockjs.min.js), bundled into the SDK.
declare module 'sockjs-client/dist/sockjs.min.js' {
  import type { IStompSocket } from '@stomp/stompjs';

  const SockJS: new (url: string) => IStompSocket;
  export default SockJS;
}
