import { test } from 'node:test';
import fc from 'fast-check';
import { caseArbitrary, coverage, runCase } from '../fuzz/gateway-properties.js';
import { fuzzParameters } from '../fuzz/runs.js';

/** The gateway's sessions + router + phone map under generated, mutated, split frames (no sockets). */
test('property: bad clients get ERROR and close, nobody else notices, the phone map stays true', async (t) => {
  await fc.assert(fc.asyncProperty(caseArbitrary, runCase), fuzzParameters(2000));
  t.diagnostic(JSON.stringify(Object.fromEntries([...coverage].sort())));
});
