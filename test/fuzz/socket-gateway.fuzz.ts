import { test } from 'node:test';
import fc from 'fast-check';
import { socketCase, socketCoverage, startSocketFuzz } from './socket-properties.js';
import { socketFuzzParameters } from './runs.js';

/** `npm run fuzz` runs the same property with FUZZ_SOCKET_RUNS cases. */
test('fuzz: raw and SockJS clients over real sockets sending mutated frames leave nothing behind', async (t) => {
  const fuzz = await startSocketFuzz();
  t.after(() => fuzz.stop());
  await fc.assert(
    fc.asyncProperty(socketCase, (c) => fuzz.run(c)),
    { ...socketFuzzParameters(5000), endOnFailure: true },
  );
  t.diagnostic(JSON.stringify(Object.fromEntries([...socketCoverage].sort())));
});
