/**
 * The agent's own view of screen-pop latency: the `tapi_messenger_screen_pop_latency_seconds`
 * histogram of `GET /metrics` (from the parsed INCOMING line to the last frame handed to the
 * sockets). Scraped before and after a phase, the difference says how much of the end-to-end
 * latency the agent itself spent.
 */

const BUCKET = /^tapi_messenger_screen_pop_latency_seconds_bucket\{le="([^"]+)"\} (\d+(?:\.\d+)?)$/;

/** Cumulative bucket counts by upper bound in seconds (`+Inf` as Infinity). */
export function parseLatencyBuckets(text: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    const match = BUCKET.exec(line.trim());
    if (!match) continue;
    const le = match[1] === '+Inf' ? Infinity : Number(match[1]);
    buckets.set(le, Number(match[2]));
  }
  return buckets;
}

/** Share of the calls between two scrapes that were within each bound (cumulative, 0..1). */
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

export async function scrape(url: string): Promise<Map<number, number>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return parseLatencyBuckets(await response.text());
}
