import { test } from 'node:test';
import fc from 'fast-check';
import { BATCH, ProcessFuzz, processBatch, processCoverage } from './process-properties.js';
import { processFuzzParameters } from './runs.js';

/** ≥ 100,000 inputs (FUZZ_PROCESS_INPUTS to change) to the built program in a child process. */
test('fuzz: the real process takes 100,000 mutated inputs over every transport and both ports', async (t) => {
  const fuzz = await ProcessFuzz.start();
  t.after(() => fuzz.stop());
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(processBatch, (batch) => fuzz.run(batch)),
    { ...processFuzzParameters(100_000 / BATCH, BATCH), endOnFailure: true },
  );
  t.diagnostic(`${Math.round((Date.now() - started) / 1000)} s`);
  t.diagnostic(JSON.stringify(Object.fromEntries([...processCoverage].sort())));
});
