import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent } from '../src/main/agent.js';
import { parseConfig } from '../src/main/config/load-config.js';
import { consoleLogger } from '../src/main/core/log.js';
import { demoAssets } from './demo-assets.js';
import { TapiSimulator } from './tapi-simulator.js';
import { simulatorConsole } from './sim-console.js';

/**
 * `npm run demo`: the agent, the TapiServer simulator and a demo page that runs the unchanged
 * reference client (shared/seed-client.js) in a browser. Type `ring 201 +48123456789` here.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8081' },
    'tapi-port': { type: 'string', default: '44444' },
  },
});

const assets = demoAssets();
if (!assets) {
  console.error('The demo page runs shared/seed-client.js, which is not beside the checkout.');
  process.exit(1);
}

const sim = new TapiSimulator({
  port: Number(values['tapi-port']),
  onLine: (line) => console.log(`TapiServer <- ${line}`),
});
await sim.start();
const config = parseConfig({
  server: { port: Number(values.port) },
  tapi: { port: sim.port },
  directory: { type: 'file', file: path.resolve(here, '../examples/directory.json') },
});
const agent = await Agent.start({ config, logger: consoleLogger('info'), extraAssets: assets });
const page = `http://127.0.0.1:${agent.address.port}${config.server.path}-client/demo.html`;
console.log(`
Demo running.
  Open ${page}
  (APEX session 1234567890 is ALICE on 201, 2345678901 is BOB on 202: examples/directory.json)
  Then type here:  ring 201 +48123456789     to ring ALICE's phone
                   quit                      to stop
`);

simulatorConsole(sim, async () => {
  await agent.stop();
  await sim.stop();
});
