/**
 * Latency statistics (pure). Percentiles use the nearest-rank method on sorted samples: the
 * p-th percentile is the smallest sample that at least p % of the samples are less than or
 * equal to, so it is always a value that was measured, never an interpolation.
 */

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of ascending `sorted` samples; `p` in (0, 100]. NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  // 0.999 * 1000 is 999.0000000000001 in binary floating point: forgive such dust, or the
  // rank of an exact product would be one too high.
  const exact = (p / 100) * n;
  const rank = Math.ceil(exact - 1e-9 * Math.max(1, exact));
  return sorted[Math.min(n, Math.max(1, rank)) - 1] as number;
}

/** Sorts a copy of `samples` ascending (numerically, NaN refused). */
export function sortedCopy(samples: ArrayLike<number>): Float64Array {
  const copy = Float64Array.from(samples);
  for (const value of copy) {
    if (Number.isNaN(value)) throw new RangeError('a sample is NaN');
  }
  return copy.sort();
}

/** p50, p99, p99.9, max and mean of `samples` (any order). Every field is NaN when empty. */
export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = sortedCopy(samples);
  const n = sorted.length;
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: n,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: n === 0 ? Number.NaN : (sorted[n - 1] as number),
    mean: n === 0 ? Number.NaN : sum / n,
  };
}

/** Many sample sets as one (e.g. the latencies two client workers measured). */
export function concatSamples(parts: ReadonlyArray<ArrayLike<number>>): Float64Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Float64Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A growable list of numbers that does not box them (a worker records tens of thousands). */
export class SampleBuffer {
  #data: Float64Array;
  #length = 0;

  constructor(initialCapacity = 4096) {
    this.#data = new Float64Array(Math.max(1, initialCapacity));
  }

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.#length++] = value;
  }

  /** The samples so far (a copy). */
  toArray(): number[] {
    return Array.from(this.#data.subarray(0, this.#length));
  }

  clear(): void {
    this.#length = 0;
  }
}

/**
 * `better / worse` as a factor where more than 1 means the first system is better: for a
 * lower-is-better metric pass (ours, peer) with `lowerIsBetter`, else (ours, peer).
 */
export function advantage(ours: number, peer: number, lowerIsBetter: boolean): number {
  if (!Number.isFinite(ours) || !Number.isFinite(peer) || ours <= 0 || peer <= 0) return Number.NaN;
  return lowerIsBetter ? peer / ours : ours / peer;
}
