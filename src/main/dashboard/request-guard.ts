import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { originAllowed } from '../stomp/origin-policy.js';

/**
 * Who may use the dashboard's bridge. A web page the operator happens to have open must not be
 * able to read the sessions or restart the link: browsers send `Origin` on WebSocket upgrades
 * (checked against the dashboard's own address) and a DNS-rebinding page would arrive with a
 * foreign `Host` name (only IP literals, localhost, this machine's name and the configured host
 * are accepted).
 */
export function hostAllowed(req: IncomingMessage, configuredHost: string): boolean {
  const host = req.headers.host;
  if (host === undefined) return false;
  const name = hostName(host).toLowerCase();
  if (isIP(name) !== 0) return true;
  return (
    name === 'localhost' ||
    name === configuredHost.toLowerCase() ||
    name === hostname().toLowerCase()
  );
}

/**
 * No `Origin` (not a browser) or the dashboard's own origin: the one origin policy
 * (`originAllowed`) with the address the request came to as its only entry.
 */
export function fromOwnOrigin(req: IncomingMessage): boolean {
  const host = req.headers.host;
  const own = host === undefined || host.includes('*') ? [] : [`http://${host}`, `https://${host}`];
  return originAllowed(req.headers.origin, own);
}

function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) {
    const end = hostHeader.indexOf(']');
    return end === -1 ? hostHeader : hostHeader.slice(1, end);
  }
  const colon = hostHeader.lastIndexOf(':');
  return colon === -1 ? hostHeader : hostHeader.slice(0, colon);
}
