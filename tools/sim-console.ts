import readline from 'node:readline';
import type { TapiSimulator } from './tapi-simulator.js';

export const CONSOLE_HELP =
  'ring <ext> <number> [callId] [name…] | answer <callId> [byExt] | hangup <callId> [cause] | ' +
  'miss <ext> <number> | raw <line> | quit';

/**
 * Lets a person drive a simulator from the terminal: the commands of CONSOLE_HELP. `quit`,
 * SIGINT and SIGTERM call `onQuit` once. Without a terminal (run in the background) stdin ends
 * at once; the simulator then keeps serving until a signal.
 */
export function simulatorConsole(sim: TapiSimulator, onQuit: () => Promise<void>): void {
  let quitting = false;
  const quit = (): void => {
    if (quitting) return;
    quitting = true;
    void onQuit().then(() => process.exit(0));
  };
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (input) => {
    const reply = runConsoleCommand(sim, input);
    if (reply === 'quit') quit();
    else if (reply !== null) console.log(reply);
  });
  rl.on('close', () => {
    if (process.stdin.isTTY) quit();
  });
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
}

/** Runs one console line; returns what to print (null: nothing) or `quit`. */
export function runConsoleCommand(sim: TapiSimulator, input: string): string | null {
  const [command, ...args] = input.trim().split(/\s+/);
  const [first = '', second = ''] = args;
  switch (command) {
    case '':
    case undefined:
      return null;
    case 'ring':
      if (args.length < 2) break;
      {
        const [, , callId = sim.nextCallId(), ...name] = args;
        sim.ring(first, second, callId, name.length > 0 ? name.join(' ') : undefined);
        return `-> INCOMING ${first} ${second} ${callId}`;
      }
    case 'answer':
      if (args.length < 1) break;
      return sim.answer(first, args[1]) ? `-> ${first} answered` : `no call ${first}`;
    case 'hangup':
      if (args.length < 1) break;
      return sim.hangup(first, args[1]) ? `-> ${first} hung up` : `no call ${first}`;
    case 'miss':
      if (args.length < 2) break;
      return `-> INCOMING ${first} ${second} ${sim.miss(first, second)}, NOANSWER soon`;
    case 'raw':
      sim.sendRaw(args.join(' ') + '\n');
      return null;
    case 'quit':
      return 'quit';
  }
  return `commands: ${CONSOLE_HELP}`;
}
