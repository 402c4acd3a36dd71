import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { TapiSimulator } from './tapi-simulator.js';

/**
 * `npm run sim [-- --port 44444]`: a TapiServer stand-in for demos. Prints every line the agent
 * sends; type `ring 201 +48123456789 [callId] [name…]` to ring an extension, `raw <text>` to
 * send any line, `quit` to stop.
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
console.log(
  `TapiServer simulator on ${values.host}:${port}. Type: ring <ext> <number> [callId] [name…] | raw <line> | quit`,
);

let callSeq = 0;
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (input) => {
  const [command, ...args] = input.trim().split(/\s+/);
  if (command === 'ring' && args.length >= 2) {
    const [ext = '', caller = '', callId = `sim-${++callSeq}`, ...name] = args;
    sim.ring(ext, caller, callId, name.length > 0 ? name.join(' ') : undefined);
    console.log(`-> INCOMING ${ext} ${caller} ${callId}`);
  } else if (command === 'raw') {
    sim.sendRaw(args.join(' ') + '\n');
  } else if (command === 'quit') {
    quit();
  } else if (command) {
    console.log('commands: ring <ext> <number> [callId] [name…] | raw <line> | quit');
  }
});
const quit = (): void => void sim.stop().then(() => process.exit(0));
// Without a terminal (run in the background) stdin ends at once: keep ringing-free service up.
rl.on('close', () => {
  if (process.stdin.isTTY) quit();
});
process.on('SIGINT', quit);
process.on('SIGTERM', quit);
