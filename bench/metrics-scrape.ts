/**
 * The agent's own view of a phase, from `GET /metrics`: the
 * `tapi_messenger_screen_pop_latency_seconds` histogram (from the parsed INCOMING line to the
 * last frame handed to the sockets), how late its event loop ran (prom-client's
 * `nodejs_eventloop_lag_*`, which it resets at every scrape, so a scrape after a phase describes
 * that phase) and its garbage collections (`nodejs_gc_duration_seconds`). Scraped before and
 * after a phase, the difference says how much of the end-to-end latency the agent itself spent.
 */

export interface AgentScrape {
  /** Screen-pop latency: cumulative bucket counts by upper bound in seconds (`+Inf` as Infinity). */
  latency: Map<number, number>;
  /** How late the event loop's 10-ms ticks ran since the previous scrape, seconds (NaN if absent). */
  loopDelay: { p99: number; max: number };
  /** Garbage collections so far, all kinds: cumulative counts by upper bound in seconds. */
  gc: Map<number, number>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/;
const LE = /(?:^|,)le="([^"]+)"/;

/**
 * prom-client samples the loop with a 10-ms `monitorEventLoopDelay` (its default precision) and
 * reports the time between ticks, so a loop that never waits shows 10 ms.
 */
const LOOP_TICK_SECONDS = 0.01;

const bound = (le: string): number => (le === '+Inf' ? Infinity : Number(le));

export function parseAgentScrape(text: string): AgentScrape {
  const latency = new Map<number, number>();
  const gc = new Map<number, number>();
  const loopDelay = { p99: Number.NaN, max: Number.NaN };
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line.trim());
    if (!match) continue;
    const [, name, labels = '', value] = match;
    const le = LE.exec(labels)?.[1];
    if (name === 'tapi_messenger_screen_pop_latency_seconds_bucket' && le !== undefined) {
      latency.set(bound(le), Number(value));
    } else if (name === 'tapi_messenger_nodejs_gc_duration_seconds_bucket' && le !== undefined) {
      gc.set(bound(le), (gc.get(bound(le)) ?? 0) + Number(value));
    } else if (name === 'tapi_messenger_nodejs_eventloop_lag_p99_seconds') {
      loopDelay.p99 = Number(value) - LOOP_TICK_SECONDS;
    } else if (name === 'tapi_messenger_nodejs_eventloop_lag_max_seconds') {
      loopDelay.max = Number(value) - LOOP_TICK_SECONDS;
    }
  }
  return { latency, loopDelay, gc };
}

/** Share of the observations between two scrapes that were within each bound (cumulative, 0..1). */
export function sharesWithin(
  before: Map<number, number>,
  after: Map<number, number>,
): Array<{ seconds: number; share: number }> {
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  return [...after.keys()]
    .filter((le) => le !== Infinity)
    .sort((a, b) => a - b)
    .map((le) => ({
      seconds: le,
      share: total === 0 ? Number.NaN : ((after.get(le) ?? 0) - (before.get(le) ?? 0)) / total,
    }));
}

/** Observations between two scrapes that took longer than `seconds` (a bucket bound; 0: all). */
export function countOver(
  before: Map<number, number>,
  after: Map<number, number>,
  seconds: number,
): number {
  const all = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  const within = (after.get(seconds) ?? 0) - (before.get(seconds) ?? 0);
  return all - within;
}

export async function scrape(url: string): Promise<AgentScrape> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return parseAgentScrape(await response.text());
}
