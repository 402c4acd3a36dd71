import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent } from '../src/main/agent.js';
import { parseConfig } from '../src/main/config/load-config.js';
import { consoleLogger } from '../src/main/core/log.js';
import { DashboardServer } from '../src/main/dashboard/dashboard-server.js';
import { sdkAssets } from '../src/main/stomp/client-assets.js';
import { buildSdk } from './build-sdk.js';
import { demoAssets } from './demo-assets.js';
import { TapiSimulator } from './tapi-simulator.js';
import { CONSOLE_HELP, simulatorConsole } from './sim-console.js';

/**
 * `npm run demo`: the whole product on one machine — the agent, a TapiServer simulator, a demo
 * page that runs the reference page client (test/fixtures/reference-page-client.js, the code
 * existing APEX pages run) and the operator's dashboard. Type `ring 201 +48123456789` here.
 * Every port can be set (0 = any free port); the addresses are printed.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8081' },
    'tapi-port': { type: 'string', default: '44444' },
    'dashboard-port': { type: 'string', default: '8082' },
  },
});

const sim = new TapiSimulator({
  port: Number(values['tapi-port']),
  onLine: (line) => console.log(`TapiServer <- ${line}`),
});
await sim.start();
const config = parseConfig({
  server: { port: Number(values.port) },
  tapi: { port: sim.port },
  directory: { type: 'file', file: path.resolve(here, '../examples/directory.json') },
  dashboard: { port: Number(values['dashboard-port']) },
});
const logger = consoleLogger('info');
// The SDK page needs the SDK: built from the sources now, as `npm run build` would.
const sdk = await buildSdk(await mkdtemp(path.join(tmpdir(), 'tapi-messenger-demo-sdk-')), {
  declarations: false,
});
const extraAssets = new Map([...demoAssets(), ...sdkAssets(sdk.dir)]);
const agent = await Agent.start({ config, logger, extraAssets });
const dashboard = await DashboardServer.start({ agent, config: config.dashboard, logger });
const page = `http://127.0.0.1:${agent.address.port}${config.server.path}-client/demo.html`;
console.log(`
Demo running.
  Demo page:  ${page}
  SDK page:   ${page.replace(/demo\.html$/, 'sdk.html')}
  Dashboard:  ${dashboard.url}
  (APEX session 1234567890 is ALICE on 201, 2345678901 is BOB on 202: examples/directory.json)
  Then type here:  ring 201 +48123456789     to ring ALICE's phone
                   quit                      to stop
  (all commands: ${CONSOLE_HELP})
`);

simulatorConsole(sim, async () => {
  await dashboard.close();
  await agent.stop();
  await sim.stop();
  await rm(sdk.dir, { recursive: true, force: true });
});
