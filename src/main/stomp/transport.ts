/** What a STOMP session needs of the connection under it (SockJS or raw WebSocket). */
export interface Transport {
  /** `websocket`, `xhr-streaming`, `xhr-polling`, `eventsource`, … or `websocket (raw)`. */
  readonly kind: string;
  readonly remoteAddress: string;
  /** Queues text for the client. Never throws; a closed transport drops it. */
  send(text: string): void;
  close(code: number, reason: string): void;
}
