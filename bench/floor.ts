import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import { nowMicros } from './clock.js';
import { summarize, type LatencySummary } from './stats.js';

/**
 * The machine's floor: how long a stamp takes over loopback TCP between idle Node processes at
 * the benchmark's call rate, with no work anywhere. The path has the screen-pop's shape — the
 * orchestrator writes to a relay process (the simulator's line to the agent), the relay writes
 * what it read to two receiver processes (the agent's frames to the two client workers) — so
 * `twoHops` is what a server that did nothing at all would score on this machine at this hour,
 * and `oneHop` (measured at the relay) what a single wake-up of a sleeping process costs. On a
 * busy or virtualised host the floor's tail is what the latency percentiles mostly measure.
 */
export interface Floor {
  oneHop: LatencySummary;
  twoHops: LatencySummary;
}

/**
 * One script for both roles, run with `node -e`. A receiver records the delay of every
 * `<µs>\n` stamp it reads and answers them when its peer ends. The relay (given the receivers'
 * ports) records the same, writes each chunk it reads on to every receiver at once, and at the
 * end answers its own delays and the receivers' together.
 */
const FLOOR_PROCESS = `
const net = require('node:net');
const now = () => { const ns = process.hrtime.bigint(); return Number(ns / 1000n) + Number(ns % 1000n) / 1000; };
const stamps = (onChunk) => {
  const delays = [];
  let text = '';
  return { delays, read(data) {
    const at = now();
    onChunk(data);
    text += data;
    let end;
    while ((end = text.indexOf('\\n')) >= 0) { delays.push((at - Number(text.slice(0, end))) / 1000); text = text.slice(end + 1); }
  } };
};
const answer = (socket) => new Promise((resolve) => {
  let text = '';
  socket.on('data', (data) => (text += data));
  socket.on('end', () => resolve(JSON.parse(text)));
});
const ports = process.argv.slice(1).map(Number);
const outs = ports.map((port) => { const s = net.connect(port, '127.0.0.1'); s.setNoDelay(true); return s; });
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  socket.setNoDelay(true);
  const own = stamps((data) => { for (const out of outs) out.write(data); });
  socket.on('data', own.read);
  socket.on('end', async () => {
    const theirs = await Promise.all(outs.map((out) => { out.end(); return answer(out); }));
    socket.end(JSON.stringify(outs.length === 0 ? own.delays : { oneHop: own.delays, twoHops: theirs.flat() }));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

async function start(children: ChildProcess[], ports: number[]): Promise<number> {
  const child = spawn(process.execPath, ['-e', FLOOR_PROCESS, ...ports.map(String)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const [first] = (await once(child.stdout, 'data')) as [Buffer];
  return Number(first.toString().trim());
}

/** Sends `rate` stamps a second for `seconds` through a fresh relay to two fresh receivers. */
export async function measureFloor(rate: number, seconds: number): Promise<Floor> {
  const children: ChildProcess[] = [];
  try {
    const receivers = [await start(children, []), await start(children, [])];
    const socket = net.connect(await start(children, receivers), '127.0.0.1');
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
    const delays = JSON.parse(answer) as { oneHop: number[]; twoHops: number[] };
    return {
      oneHop: summarize(Float64Array.from(delays.oneHop)),
      twoHops: summarize(Float64Array.from(delays.twoHops)),
    };
  } finally {
    for (const child of children) child.kill();
  }
}
