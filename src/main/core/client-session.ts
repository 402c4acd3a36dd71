/**
 * A MESSAGE body (JSON) prepared once for every session it goes to: a screen-pop reaches every
 * tab on the phone, and its text is serialised and its UTF-8 length counted once per call.
 */
export interface MessageBody {
  readonly json: string;
  /** The length of `json` in UTF-8 bytes (the frame's `content-length`). */
  readonly bytes: number;
}

export function messageBody(json: string): MessageBody {
  return { json, bytes: Buffer.byteLength(json, 'utf8') };
}

/**
 * A body serialised on first use: sessions read it only for a matching subscription, so an
 * event no page subscribed to (call events, on most pages) costs no JSON.
 */
export class LazyMessageBody implements MessageBody {
  #made: MessageBody | null = null;

  constructor(private readonly value: () => unknown) {}

  get json(): string {
    return this.#body().json;
  }

  get bytes(): number {
    return this.#body().bytes;
  }

  #body(): MessageBody {
    return (this.#made ??= messageBody(JSON.stringify(this.value())));
  }
}

/** A browser's STOMP session as the application sees it; the gateway implements it. */
export interface ClientSession {
  /** The STOMP session id (for SockJS, the session id of the transport URL). */
  readonly id: string;
  readonly clientAddress: string;
  /** `websocket`, `xhr-streaming`, … or `websocket (raw)`. */
  readonly transport: string;
  readonly connectedAt: number;
  /**
   * The server segment of the SockJS transport URL (`000` in `/tapi-messenger/000/<id>/…`),
   * null for the raw WebSocket endpoint.
   */
  readonly sockjsServerId: string | null;
  /**
   * Sends `body` as one MESSAGE to each of this session's subscriptions on any of
   * `destinations`. Returns how many MESSAGE frames went out.
   */
  deliver(destinations: readonly string[], body: MessageBody): number;
  /**
   * Sends `body` as one MESSAGE to one subscription: the first one on the first of `choices`
   * this session subscribed to. Returns 1, or 0 when it has none of them.
   */
  deliverOnce(choices: readonly string[], body: MessageBody): number;
  /** Ends the session from the server side. */
  close(reason: string): void;
}

/** What the application does with sessions; the gateway calls it. */
export interface ClientApplication {
  opened(session: ClientSession): void;
  /** A SEND to an application destination (`/tapi/…`). */
  message(
    session: ClientSession,
    destination: string,
    headers: ReadonlyMap<string, string>,
    body: Buffer,
  ): void;
  /** The session subscribed to `destination` (it may already receive messages there). */
  subscribed(session: ClientSession, destination: string): void;
  closed(session: ClientSession, reason: string): void;
}
