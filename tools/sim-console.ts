import readline from 'node:readline';
import type { TapiSimulator } from './tapi-simulator.js';

export const CONSOLE_HELP = 'ring <ext> <number> [callId] [name…] | raw <line> | quit';

/**
 * Lets a person drive a simulator from the terminal: `ring 201 +48123456789 [callId] [name…]`,
 * `raw <line>`, `quit`. `quit`, SIGINT and SIGTERM call `onQuit` once. Without a terminal (run
 * in the background) stdin ends at once; the simulator then keeps serving until a signal.
 */
export function simulatorConsole(sim: TapiSimulator, onQuit: () => Promise<void>): void {
  let callSeq = 0;
  let quitting = false;
  const quit = (): void => {
    if (quitting) return;
    quitting = true;
    void onQuit().then(() => process.exit(0));
  };
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
      console.log(`commands: ${CONSOLE_HELP}`);
    }
  });
  rl.on('close', () => {
    if (process.stdin.isTTY) quit();
  });
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
}
