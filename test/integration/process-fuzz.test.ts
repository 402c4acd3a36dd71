import { test } from 'node:test';
import fc from 'fast-check';
import { BATCH, ProcessFuzz, processBatch, processCoverage } from '../fuzz/process-properties.js';
import { processFuzzParameters } from '../fuzz/runs.js';

/** 3,000 inputs to the built program; `npm run fuzz` sends ≥ 100,000 (test/fuzz/process.fuzz.ts). */
test('property against the real process: 3,000 mutated inputs over every transport and both ports leave it serving', async (t) => {
  const fuzz = await ProcessFuzz.start();
  t.after(() => fuzz.stop());
  await fc.assert(
    fc.asyncProperty(processBatch, (batch) => fuzz.run(batch)),
    { ...processFuzzParameters(3000 / BATCH, BATCH), endOnFailure: true },
  );
  t.diagnostic(JSON.stringify(Object.fromEntries([...processCoverage].sort())));
});
