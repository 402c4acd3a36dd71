import { parseArgs } from 'node:util';
import { TapiSimulator } from './tapi-simulator.js';
import { CONSOLE_HELP, simulatorConsole } from './sim-console.js';

/**
 * `npm run sim [-- --port 44444]`: a TapiServer stand-in for demos. Prints every line the agent
 * sends; type `ring 201 +48123456789 [callId] [name…]` to ring an extension, `answer <callId>`,
 * `hangup <callId> [cause]`, `miss <ext> <number>`, `raw <text>` to send any line, `quit` to stop.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '44444' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

const sim = new TapiSimulator({
  port: Number(values.port),
  host: values.host,
  onLine: (line, from) => console.log(`<- ${from}: ${line}`),
});
sim.on('connection', (socket) =>
  console.log(`agent connected from ${socket.remoteAddress}:${socket.remotePort}`),
);
sim.on('disconnect', () => console.log('agent disconnected'));
const port = await sim.start();
console.log(`TapiServer simulator on ${values.host}:${port}. Type: ${CONSOLE_HELP}`);

simulatorConsole(sim, () => sim.stop());
