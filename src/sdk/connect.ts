import type { Connect } from './api.js';
import { TapiMessenger } from './client.js';

/**
 * `connect` for a script served at `<agent><path>-client/<file>`: the default endpoint is
 * `<agent><path>`, the agent that served it.
 */
export function connectFrom(scriptUrl: string | null): Connect {
  return (options) => {
    const url = options.url ?? scriptUrl?.replace(/-client\/[^/]*$/, '');
    if (url === undefined || url === scriptUrl) {
      throw new TypeError(
        'TapiMessenger.connect: pass { url } (e.g. "https://agent:8081/tapi-messenger"); the script was not loaded from the agent',
      );
    }
    return new TapiMessenger(url, options);
  };
}
