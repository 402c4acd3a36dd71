/**
 * STOMP 1.1 heart-beat negotiation (pure). The client says `cx,cy` (it can send every cx ms,
 * wants to receive every cy ms); the server says `sx,sy`. Zero means "not at all".
 */
export interface HeartbeatPlan {
  /** How often the server must send something (0: never). */
  sendEveryMs: number;
  /** How often the server expects something from the client (0: never checked). */
  expectEveryMs: number;
}

export function parseHeartbeatHeader(value: string | undefined): [number, number] | null {
  if (value === undefined) return [0, 0];
  const match = /^\s*([0-9]{1,9})\s*,\s*([0-9]{1,9})\s*$/.exec(value);
  if (!match) return null;
  return [Number(match[1]), Number(match[2])];
}

export function negotiateHeartbeat(
  client: readonly [number, number],
  server: readonly [number, number],
): HeartbeatPlan {
  const [cx, cy] = client;
  const [sx, sy] = server;
  return {
    sendEveryMs: sx === 0 || cy === 0 ? 0 : Math.max(sx, cy),
    expectEveryMs: cx === 0 || sy === 0 ? 0 : Math.max(cx, sy),
  };
}

/** A client is given up after this many expected intervals of silence. */
export const HEARTBEAT_TOLERANCE = 2;
