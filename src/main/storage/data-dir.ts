import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Where the headless agent keeps its data (the call log): `TAPI_MESSENGER_DATA_DIR` when set,
 * else `.tapi-messenger` in the user's home folder. The tray app uses Electron's userData folder.
 */
export function headlessDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.TAPI_MESSENGER_DATA_DIR;
  return chosen ? path.resolve(chosen) : path.join(homedir(), '.tapi-messenger');
}
