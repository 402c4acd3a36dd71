import { spawn } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import { nowMicros } from './clock.js';
import { summarize, type LatencySummary } from './stats.js';

/**
 * The machine's floor: how long one message takes from one idle process to another over
 * loopback TCP at the benchmark's call rate, with no work on either side. A screen-pop makes
 * two such hops (the simulator's line to the agent, the agent's frame to a client), so its
 * latency cannot be reliably below this floor's; on a busy or virtualised host the floor's
 * tail (waking a sleeping process) is what the latency percentiles mostly measure.
 */

/** The receiver, run with `node -e`: reads `<µs>\n` stamps, answers the delays at the end. */
const RECEIVER = `
const net = require('node:net');
const now = () => { const ns = process.hrtime.bigint(); return Number(ns / 1000n) + Number(ns % 1000n) / 1000; };
const delays = [];
const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let text = '';
  socket.on('data', (data) => {
    const at = now();
    text += data;
    let end;
    while ((end = text.indexOf('\\n')) >= 0) { delays.push((at - Number(text.slice(0, end))) / 1000); text = text.slice(end + 1); }
  });
  socket.on('end', () => socket.end(JSON.stringify(delays)));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

/** Sends `rate` stamps a second for `seconds` to a fresh receiver process; their delays, ms. */
export async function measureFloor(rate: number, seconds: number): Promise<LatencySummary> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [first] = (await once(child.stdout, 'data')) as [Buffer];
    const socket = net.connect(Number(first.toString().trim()), '127.0.0.1');
    socket.setNoDelay(true);
    await once(socket, 'connect');
    const count = Math.round(rate * seconds);
    await new Promise<void>((resolve) => {
      let sent = 0;
      const timer = setInterval(() => {
        socket.write(`${nowMicros()}\n`);
        if (++sent === count) {
          clearInterval(timer);
          resolve();
        }
      }, 1000 / rate);
    });
    socket.end();
    let answer = '';
    socket.on('data', (data: Buffer) => (answer += data.toString()));
    await once(socket, 'close');
    return summarize(Float64Array.from(JSON.parse(answer) as number[]));
  } finally {
    child.kill();
  }
}
