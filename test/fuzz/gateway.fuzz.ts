import { test } from 'node:test';
import fc from 'fast-check';
import { caseArbitrary, coverage, runCase } from './gateway-properties.js';
import { fuzzParameters } from './runs.js';

test('fuzz: gateway sessions, router and phone map (no sockets)', async (t) => {
  await fc.assert(fc.asyncProperty(caseArbitrary, runCase), fuzzParameters(100_000));
  t.diagnostic(JSON.stringify(Object.fromEntries([...coverage].sort())));
});
