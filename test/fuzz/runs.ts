/**
 * How many cases a property runs: `npm test` uses the small default of each test file;
 * `npm run fuzz` sets FUZZ_RUNS (≥ 100,000). FUZZ_SEED replays a failure fast-check reported.
 */
export function fuzzRuns(normal: number): number {
  const wanted = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(wanted) && wanted > 0 ? wanted : normal;
}

export function fuzzParameters(normal: number): { numRuns: number; seed?: number } {
  const seed = Number(process.env.FUZZ_SEED);
  return Number.isInteger(seed)
    ? { numRuns: fuzzRuns(normal), seed }
    : { numRuns: fuzzRuns(normal) };
}

/** Cases of the fuzz over real sockets (slower): FUZZ_SOCKET_RUNS, else `normal`. */
export function socketFuzzParameters(normal: number): { numRuns: number; seed?: number } {
  const wanted = Number(process.env.FUZZ_SOCKET_RUNS);
  const numRuns = Number.isInteger(wanted) && wanted > 0 ? wanted : normal;
  const seed = Number(process.env.FUZZ_SEED);
  return Number.isInteger(seed) ? { numRuns, seed } : { numRuns };
}

/**
 * Batches of the process-level fuzz: FUZZ_PROCESS_INPUTS inputs (divided into batches), else
 * `normal` batches. fast-check prints the seed of a failure; FUZZ_SEED replays it.
 */
export function processFuzzParameters(
  normal: number,
  batch: number,
): { numRuns: number; seed?: number } {
  const inputs = Number(process.env.FUZZ_PROCESS_INPUTS);
  const numRuns = Number.isInteger(inputs) && inputs > 0 ? Math.ceil(inputs / batch) : normal;
  const seed = Number(process.env.FUZZ_SEED);
  return Number.isInteger(seed) ? { numRuns, seed } : { numRuns };
}
