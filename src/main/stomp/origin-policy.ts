/**
 * Which web pages may open a connection (SPEC §4 `server.allowedOrigins`). Browsers send
 * `Origin` on WebSocket handshakes and cross-origin XHR; a request without one is not from a
 * foreign page's script and is let through. Entries compare without a trailing slash,
 * case-insensitively; `*` allows every origin; `https://*.example.com` allows its subdomains.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined || allowed.includes('*')) return true;
  const wanted = origin.replace(/\/$/, '').toLowerCase();
  return allowed.some((entry) => {
    const rule = entry.replace(/\/$/, '').toLowerCase();
    if (!rule.includes('*')) return rule === wanted;
    const [scheme, host] = rule.split('://*.');
    if (host === undefined || scheme === undefined) return false;
    return wanted.startsWith(`${scheme}://`) && wanted.endsWith(`.${host}`);
  });
}
