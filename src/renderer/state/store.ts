import type {
  BridgeEvent,
  CallView,
  ClusterView,
  CoreView,
  DirectoryView,
  LinkView,
  PhoneView,
  SessionView,
} from '../../shared/bridge.js';
import { MAX_CALLS } from '../../shared/coalesce-events.js';
import { callKey } from '../../shared/calls.js';

/** Parts of the view that can change independently; views re-render only theirs. */
export type Slice = 'link' | 'directory' | 'sessions' | 'phones' | 'calls' | 'bridge' | 'cluster';

export interface DashboardState {
  startedAt: number;
  endpoint: string;
  link: LinkView;
  directory: DirectoryView;
  sessions: Map<string, SessionView>;
  phones: PhoneView[];
  /** Newest first, at most MAX_CALLS; each call once, as it is now. */
  calls: CallView[];
  /** Missed calls since the operator last looked. */
  missedCalls: number;
  /** False while the bridge has lost its agent (what is shown may be stale). */
  bridgeConnected: boolean;
  /** Null when the agent is not in a cluster. */
  cluster: ClusterView | null;
  /** The tray app's restarts of the agent core; null headless. */
  core: CoreView | null;
}

const ALL: readonly Slice[] = [
  'link',
  'directory',
  'sessions',
  'phones',
  'calls',
  'bridge',
  'cluster',
];

/**
 * The dashboard's copy of the agent's state, kept current by applying bridge batches in order.
 * Until the first snapshot there is no state.
 */
export class DashboardStore {
  #state: DashboardState | null = null;

  get state(): DashboardState | null {
    return this.#state;
  }

  /** Applies a batch; returns which slices changed. */
  apply(events: readonly BridgeEvent[]): Set<Slice> {
    const changed = new Set<Slice>();
    /** Calls not in the state yet, by key, oldest first (Map order: first seen). */
    const newCalls = new Map<string, CallView>();
    /** Where each call of the state is, built on the first call event of the batch. */
    let slots: Map<string, number> | null = null;
    for (const event of events) {
      if (event.type === 'snapshot') {
        const { snapshot } = event;
        this.#state = {
          startedAt: snapshot.startedAt,
          endpoint: snapshot.endpoint,
          link: snapshot.link,
          directory: snapshot.directory,
          sessions: new Map(snapshot.sessions.map((s) => [s.id, s])),
          phones: snapshot.phones,
          calls: snapshot.calls.slice(0, MAX_CALLS),
          missedCalls: snapshot.missedCalls,
          bridgeConnected: this.#state?.bridgeConnected ?? true,
          cluster: snapshot.cluster ?? null,
          core: snapshot.core ?? null,
        };
        newCalls.clear();
        slots = null;
        for (const slice of ALL) changed.add(slice);
        continue;
      }
      const state = this.#state;
      if (state === null) {
        if (event.type === 'bridge') changed.add('bridge');
        continue;
      }
      switch (event.type) {
        case 'bridge':
          state.bridgeConnected = event.connected;
          changed.add('bridge');
          break;
        case 'link':
          state.link = event.link;
          changed.add('link');
          break;
        case 'directory':
          state.directory = event.directory;
          changed.add('directory');
          break;
        case 'session-opened':
        case 'session-updated':
          state.sessions.set(event.session.id, event.session);
          changed.add('sessions');
          break;
        case 'session-closed':
          if (state.sessions.delete(event.id)) changed.add('sessions');
          break;
        case 'phones':
          state.phones = event.phones;
          changed.add('phones');
          break;
        case 'call': {
          const key = callKey(event.call);
          slots ??= new Map(state.calls.map((call, i) => [callKey(call), i]));
          const slot = newCalls.has(key) ? undefined : slots.get(key);
          if (slot === undefined) newCalls.set(key, event.call);
          else state.calls[slot] = event.call;
          changed.add('calls');
          break;
        }
        case 'missed-calls':
          state.missedCalls = event.count;
          changed.add('calls');
          break;
        case 'cluster':
          state.cluster = event.cluster;
          changed.add('cluster');
          break;
      }
    }
    if (newCalls.size > 0 && this.#state) {
      const fresh = [...newCalls.values()].reverse();
      const kept = this.#state.calls.slice(0, Math.max(0, MAX_CALLS - fresh.length));
      this.#state.calls = fresh.slice(0, MAX_CALLS).concat(kept);
    }
    return changed;
  }
}
