/** What a STOMP session needs of the connection under it (SockJS or raw WebSocket). */
export interface Transport {
  /** `websocket`, `xhr-streaming`, `xhr-polling`, `eventsource`, … or `websocket (raw)`. */
  readonly kind: string;
  readonly remoteAddress: string;
  /** Queues text for the client. Never throws; a closed transport drops it. */
  send(text: string): void;
  /** Closes politely: what is queued is still delivered, then the close. */
  close(code: number, reason: string): void;
  /** Cuts the connection at once, dropping whatever is queued (a client that stopped reading). */
  abort(reason: string): void;
  /** Bytes queued for the client that its socket has not taken yet (0 when it keeps up). */
  pendingBytes(): number;
}
