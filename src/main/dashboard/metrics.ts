import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Agent } from '../agent.js';
import type { ClusterView } from '../../shared/bridge.js';

/** What the metrics read from the agent (`Agent` fits). */
export type MetricsSource = Pick<Agent, 'on' | 'summary'>;

export interface DashboardMetrics {
  /** The agent's own registry (never prom-client's global one): `/metrics` serves it. */
  readonly registry: Registry;
  /** Stops listening to the agent. */
  close(): void;
}

const PREFIX = 'tapi_messenger_';

/**
 * prom-client's default metrics that walk every open handle or file descriptor on each scrape
 * (`_getActiveHandles()`, `getActiveResourcesInfo()`, `readdirSync('/proc/self/fd')`), on the
 * event loop that screen-pops need: with 2,000 sessions a scrape took 8–11 ms, without them 3–4
 * (docs/benchmarks.md). The open-fd count exists on Linux only, not on the Windows host.
 */
const WALK_EVERY_HANDLE = [
  'process_open_fds',
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
];

/**
 * The Prometheus metrics of `GET /metrics`: gauges read from the agent's summary when scraped,
 * counters and the screen-pop latency histogram fed by its event feed.
 */
export function createMetrics(source: MetricsSource): DashboardMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  for (const name of WALK_EVERY_HANDLE) registry.removeSingleMetric(`${PREFIX}${name}`);

  new Gauge({
    name: `${PREFIX}sessions`,
    help: 'Open STOMP sessions (browser pages).',
    registers: [registry],
    collect() {
      this.set(source.summary().sessions);
    },
  });
  new Gauge({
    name: `${PREFIX}phones`,
    help: 'Phones with at least one session.',
    registers: [registry],
    collect() {
      this.set(source.summary().phones);
    },
  });
  new Gauge({
    name: `${PREFIX}link_up`,
    help: '1 while the TapiServer link is connected, else 0.',
    registers: [registry],
    collect() {
      this.set(source.summary().link.status === 'connected' ? 1 : 0);
    },
  });

  if (source.summary().cluster) addClusterGauges(registry, () => source.summary().cluster);

  const incoming = new Counter({
    name: `${PREFIX}incoming_calls_total`,
    help: 'INCOMING lines from TapiServer.',
    registers: [registry],
  });
  const delivered = new Counter({
    name: `${PREFIX}calls_delivered_total`,
    help: 'Incoming calls that reached at least one browser session.',
    registers: [registry],
  });
  const screenPops = new Counter({
    name: `${PREFIX}screen_pop_frames_total`,
    help: 'Screen-pop MESSAGE frames sent to browsers.',
    registers: [registry],
  });
  const latency = new Histogram({
    name: `${PREFIX}screen_pop_latency_seconds`,
    help: 'From the INCOMING line to the last screen-pop frame written.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const calls = new Counter({
    name: `${PREFIX}calls_total`,
    help: 'Ended calls by outcome: answered, missed (inbound, never answered) or ended_other.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const ringToAnswer = new Histogram({
    name: `${PREFIX}ring_to_answer_seconds`,
    help: 'From the INCOMING line to CONNECTED, for answered inbound calls (observed at their end).',
    buckets: [1, 2, 5, 10, 15, 20, 30, 45, 60, 120, 300],
    registers: [registry],
  });
  for (const outcome of ['answered', 'missed', 'ended_other']) calls.labels(outcome).inc(0);
  const dials = new Counter({
    name: `${PREFIX}dial_requests_total`,
    help: 'Click-to-dial requests by outcome (sent, or the error code sent back).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const listens = new Counter({
    name: `${PREFIX}listen_requests_total`,
    help: 'Listen requests by outcome (listening, or the refusal reason).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const reconnects = new Counter({
    name: `${PREFIX}link_reconnects_total`,
    help: 'TapiServer link connections after the first one.',
    registers: [registry],
  });
  const protocolErrors = new Counter({
    name: `${PREFIX}protocol_errors_total`,
    help: 'STOMP sessions closed for a frame or protocol error, by error code.',
    labelNames: ['code'],
    registers: [registry],
  });
  const contained = new Counter({
    name: `${PREFIX}contained_errors_total`,
    help: 'Unexpected exceptions caught where outside input entered (the offender was cut off), by entry point.',
    labelNames: ['where'],
    registers: [registry],
  });
  dials.labels('sent').inc(0);
  let connections = source.summary().link.reconnects;
  listens.labels('listening').inc(0);

  const off = source.on('event', (event) => {
    switch (event.type) {
      case 'delivered':
        incoming.inc();
        if (event.reached === 0) return;
        delivered.inc();
        screenPops.inc(event.frames);
        latency.observe(event.latencyMs / 1000);
        return;
      case 'call': {
        const { call } = event;
        if (call.state !== 'ended') return;
        if (call.answeredAt !== null) {
          calls.labels('answered').inc();
          if (call.direction === 'in') ringToAnswer.observe((call.answeredAt - call.at) / 1000);
        } else {
          calls.labels(call.missed ? 'missed' : 'ended_other').inc();
        }
        return;
      }
      case 'dial':
        dials.labels(event.outcome).inc();
        return;
      case 'listen':
        listens.labels(event.outcome).inc();
        return;
      case 'link': {
        const { reconnects: now } = event.link;
        if (now <= connections) return;
        if (connections > 0) reconnects.inc(now - connections);
        connections = now;
        return;
      }
      case 'protocol-error':
        protocolErrors.labels(event.code).inc();
        return;
      case 'contained':
        contained.labels(event.where).inc();
        return;
    }
  });
  return {
    registry,
    close: off,
  };
}

/** In a cluster (docs/cluster.md): the broker connection, the other agents, cross-agent listens. */
function addClusterGauges(registry: Registry, view: () => ClusterView | null): void {
  new Gauge({
    name: `${PREFIX}cluster_broker_up`,
    help: '1 while the connection to the cluster broker (RabbitMQ) is up, else 0.',
    registers: [registry],
    collect() {
      this.set(view()?.broker === 'connected' ? 1 : 0);
    },
  });
  new Gauge({
    name: `${PREFIX}cluster_agents`,
    help: 'Other agents of the cluster by the state of their TapiServer link, or gone.',
    labelNames: ['link'],
    registers: [registry],
    collect() {
      const agents = view()?.agents ?? [];
      for (const link of ['connected', 'down', 'gone'] as const) {
        this.labels(link).set(agents.filter((a) => a.link === link).length);
      }
    },
  });
  new Gauge({
    name: `${PREFIX}cluster_remote_listens`,
    help: "Remote extensions this agent's pages listen on.",
    registers: [registry],
    collect() {
      this.set(view()?.remoteListens.length ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}cluster_served_listens`,
    help: "This agent's extensions that other agents' pages listen on.",
    registers: [registry],
    collect() {
      this.set(view()?.served.length ?? 0);
    },
  });
}
