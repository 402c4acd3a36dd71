import { test } from 'node:test';
import fc from 'fast-check';
import { socketCase, socketCoverage, startSocketFuzz } from '../fuzz/socket-properties.js';
import { socketFuzzParameters } from '../fuzz/runs.js';

/** `npm run fuzz` runs the same property with FUZZ_SOCKET_RUNS cases. */
test('property over real sockets: raw and SockJS clients sending mutated frames leave nothing behind', async (t) => {
  const fuzz = await startSocketFuzz();
  t.after(() => fuzz.stop());
  await fc.assert(
    fc.asyncProperty(socketCase, (c) => fuzz.run(c)),
    { ...socketFuzzParameters(400), endOnFailure: true },
  );
  t.diagnostic(JSON.stringify(Object.fromEntries([...socketCoverage].sort())));
});
