import type { Config } from '../../config/schema.js';
import type { LogLevel } from '../../core/log.js';
import type { BridgeEvent, CoreView, Snapshot } from '../../../shared/bridge.js';

/**
 * Every message between the tray app's main process and the agent core it runs in a child
 * process (`utilityProcess`, core-process.ts). The dashboard half is the bridge contract of
 * shared/bridge.ts carried over the process channel; nobody else sends or reads these.
 */

/** Main → core. */
export type ToCore =
  /** The first message: run the agent with this configuration. */
  | {
      type: 'start';
      config: Config;
      /** Where the call log is kept (the user's app data folder). */
      callLogDir: string;
      /** The dashboard bundle the core's dashboard port serves. */
      rendererDir: string;
      /** The supervisor's count, shown on the dashboard. */
      core: CoreView;
    }
  | { type: 'subscribe'; subscription: number }
  | { type: 'unsubscribe'; subscription: number }
  | { type: 'snapshot'; id: number }
  | { type: 'restart-link'; id: number }
  /** The operator has seen the call log (missed-calls count back to 0). */
  | { type: 'calls-seen' }
  /** Clean shutdown (UNLISTEN, sessions closed, ports released), then exit 0. */
  | { type: 'stop' };

/** Core → main. */
export type FromCore =
  | { type: 'ready'; endpoint: string; dashboardUrl: string | null }
  /** The agent could not start (e.g. its port is in use); the core exits after this. */
  | { type: 'failed'; message: string }
  | { type: 'events'; subscription: number; events: BridgeEvent[] }
  | { type: 'snapshot'; id: number; snapshot: Snapshot }
  | { type: 'restart-link-result'; id: number; error: string | null }
  | { type: 'log'; level: LogLevel; message: string };

const FROM_CORE_TYPES: ReadonlySet<string> = new Set<FromCore['type']>([
  'ready',
  'failed',
  'events',
  'snapshot',
  'restart-link-result',
  'log',
]);

const TO_CORE_TYPES: ReadonlySet<string> = new Set<ToCore['type']>([
  'start',
  'subscribe',
  'unsubscribe',
  'snapshot',
  'restart-link',
  'calls-seen',
  'stop',
]);

const typed = (value: unknown, types: ReadonlySet<string>): boolean =>
  typeof value === 'object' &&
  value !== null &&
  types.has(String((value as { type?: unknown }).type));

/** Both ends are our own code: a check of the type tag is enough to route a message. */
export const isFromCore = (value: unknown): value is FromCore => typed(value, FROM_CORE_TYPES);

export const isToCore = (value: unknown): value is ToCore => typed(value, TO_CORE_TYPES);
