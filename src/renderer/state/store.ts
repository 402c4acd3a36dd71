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

/** Parts of the view that can change independently; views re-render only theirs. */
export type Slice = 'link' | 'directory' | 'sessions' | 'phones' | 'calls' | 'bridge' | 'cluster';

export interface DashboardState {
  startedAt: number;
  endpoint: string;
  link: LinkView;
  directory: DirectoryView;
  sessions: Map<string, SessionView>;
  phones: PhoneView[];
  /** Newest first, at most MAX_CALLS. */
  calls: CallView[];
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
    const newCalls: CallView[] = [];
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
          bridgeConnected: this.#state?.bridgeConnected ?? true,
          cluster: snapshot.cluster ?? null,
          core: snapshot.core ?? null,
        };
        newCalls.length = 0;
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
        case 'call':
          newCalls.push(event.call);
          changed.add('calls');
          break;
        case 'cluster':
          state.cluster = event.cluster;
          changed.add('cluster');
          break;
      }
    }
    if (newCalls.length > 0 && this.#state) {
      newCalls.reverse();
      const kept = this.#state.calls.slice(0, Math.max(0, MAX_CALLS - newCalls.length));
      this.#state.calls = newCalls.slice(0, MAX_CALLS).concat(kept);
    }
    return changed;
  }
}
