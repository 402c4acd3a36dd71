/** Messages between the benchmark's orchestrator (`run.ts`) and its client workers. */

export type ClientTransport = 'websocket' | 'sockjs';

export interface SessionSpec {
  /** Our agent: the APEX session the page names in `/tapi/listen`. */
  apex: string;
  /** The phone the session ends up bound to (peer: the topic it subscribes to). */
  phone: string;
  transport: ClientTransport;
}

export type Target =
  | { kind: 'agent'; wsUrl: string; sockjsUrl: string }
  | { kind: 'rabbitmq'; wsUrl: string; login: string; passcode: string };

export interface OpenCommand {
  type: 'open';
  target: Target;
  sessions: SessionSpec[];
  /** Connections a worker opens at a time. */
  concurrency: number;
  /** What clients offer in CONNECT's heart-beat header (both ways), as stompjs 2.3.3 pages do. */
  heartbeatMs: number;
}

export type ToWorker =
  | { type: 'clock'; sentAt: string }
  | OpenCommand
  | { type: 'reset' }
  | { type: 'progress' }
  | { type: 'collect' }
  | { type: 'close' };

export interface WorkerSamples {
  type: 'samples';
  /** Screen-pop latencies in µs (send stamp → MESSAGE event in the client), per transport. */
  latencies: Record<ClientTransport, number[]>;
  /** [send stamp µs, latency µs] of the pops slower than 2 ms (at most 2,000). */
  slow: Array<[number, number]>;
  received: number;
  /** Screen-pops whose call id carried no stamp (never expected). */
  malformed: number;
  /** First and last receive time since the last reset (µs, system monotonic clock). */
  firstAt: number;
  lastAt: number;
}

export type FromWorker =
  | { type: 'clock'; deltaMicros: number }
  | { type: 'opened'; sessions: number; failed: number; errors: string[] }
  | { type: 'progress'; received: number; lastAt: number; lost: number }
  | WorkerSamples
  | { type: 'closed'; lost: number; lostReasons: string[] };

export const CALL_SUBSCRIPTION = 'sub-call';
export const LISTEN_SUBSCRIPTION = 'sub-listen';
