import type { BridgeEvent, DashboardBridge } from '../shared/bridge.js';
import { DashboardStore, type Slice } from './state/store.js';
import { FrameBatcher } from './state/frame-batcher.js';
import { Banner } from './views/banner.js';
import { CallsPanel } from './views/calls-panel.js';
import { ClusterPanel } from './views/cluster-panel.js';
import { h } from './views/dom.js';
import { count } from './views/format.js';
import { LinkPanel } from './views/link-panel.js';
import { PhonesPanel } from './views/phones-panel.js';
import { SessionsPanel } from './views/sessions-panel.js';
import { Tabs } from './views/tabs.js';

/** Counters the benchmark and tests read (`window.tapiDashboardStats`). */
export interface RenderStats {
  /** Frames in which something was rendered. */
  renders: number;
  /** Events received from the bridge, before coalescing. */
  eventsReceived: number;
  /** Events applied after coalescing. */
  eventsApplied: number;
  /** Slowest apply + render, in ms. */
  maxRenderMs: number;
}

/**
 * The dashboard: a store fed by the bridge, views that re-render only the slices that changed,
 * at most once per animation frame.
 */
export function mountDashboard(root: HTMLElement, bridge: DashboardBridge): RenderStats {
  const stats: RenderStats = { renders: 0, eventsReceived: 0, eventsApplied: 0, maxRenderMs: 0 };
  const store = new DashboardStore();
  const banner = new Banner();
  const link = new LinkPanel(() => bridge.restartLink());
  const sessions = new SessionsPanel();
  const phones = new PhonesPanel();
  const calls = new CallsPanel();
  const cluster = new ClusterPanel();
  const tabs = new Tabs([
    { id: 'sessions', label: 'Sessions', panel: sessions.panel.element },
    { id: 'phones', label: 'Phones', panel: phones.panel.element },
    { id: 'calls', label: 'Calls', panel: calls.panel.element },
  ]);
  let bridgeConnected = true;

  /** Missed calls count as seen once the call log is on screen in a window that has focus. */
  const markCallsSeen = (): void => {
    if (!store.state || store.state.missedCalls === 0) return;
    if (document.visibilityState !== 'visible' || !document.hasFocus()) return;
    if (calls.panel.element.offsetParent === null) return; // another tab is shown
    bridge.markCallsSeen().catch(() => undefined);
  };
  window.addEventListener('focus', markCallsSeen);
  document.addEventListener('visibilitychange', markCallsSeen);
  tabs.element.addEventListener('click', markCallsSeen);

  const render = (changed: ReadonlySet<Slice>): void => {
    const state = store.state;
    if (changed.has('bridge')) banner.render(state, bridgeConnected);
    if (!state) return;
    if (changed.has('link') || changed.has('directory')) link.render(state);
    if (changed.has('cluster')) cluster.render(state);
    if (changed.has('sessions')) {
      sessions.render(state);
      tabs.setCount('sessions', count(state.sessions.size));
    }
    if (changed.has('phones')) {
      phones.render(state);
      tabs.setCount('phones', count(state.phones.length));
    }
    if (changed.has('calls')) {
      calls.render(state);
      const missed = state.missedCalls > 0 ? ` · ${count(state.missedCalls)} missed` : '';
      tabs.setCount('calls', count(state.calls.length) + missed);
      markCallsSeen();
    }
    root.removeAttribute('aria-busy');
  };

  const batcher = new FrameBatcher((events: BridgeEvent[]) => {
    const started = performance.now();
    for (const event of events) if (event.type === 'bridge') bridgeConnected = event.connected;
    const changed = store.apply(events);
    render(changed);
    stats.renders++;
    stats.eventsApplied += events.length;
    stats.maxRenderMs = Math.max(stats.maxRenderMs, performance.now() - started);
  });

  root.replaceChildren(
    banner.element,
    link.element,
    cluster.panel.element,
    tabs.element,
    h(
      'main',
      { className: 'panels' },
      sessions.panel.element,
      phones.panel.element,
      calls.panel.element,
    ),
  );
  bridge.onEvents((events) => {
    stats.eventsReceived += events.length;
    batcher.push(events);
  });
  // "since …" and "up …" durations age without events.
  setInterval(() => link.render(store.state), 1000);
  return stats;
}
