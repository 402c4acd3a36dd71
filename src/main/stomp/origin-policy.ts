/**
 * Which web pages may open a connection (docs/protocol.md §4 `server.allowedOrigins`), decided per HTTP
 * request and WebSocket handshake before SockJS sees it. Pure.
 *
 * Browsers send `Origin` on every WebSocket handshake, every cross-origin XHR and EventSource,
 * and every POST; those are checked against the list. A few SockJS transports are reached by
 * a plain `<script>` or `<iframe>` GET, which carries no `Origin` and whose `Referer` a page can
 * suppress (`referrerpolicy="no-referrer"`): JSONP polling, htmlfile, and the `iframe*.html`
 * page the `iframe-*` transports run in (it talks to whichever page embeds it). While the list
 * is restricted those are refused outright; with `*` everything is allowed, as before. Pages
 * the agent serves itself (its own origin) are always allowed. See docs/security.md.
 */

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

export interface OriginRequest {
  /** The request path below the SockJS prefix: `/info`, `/123/abc/xhr`, `/websocket`, … */
  path: string;
  origin?: string | undefined;
  referer?: string | undefined;
  /** The agent's own origin as this request addressed it (`http://` + Host): always allowed. */
  self?: string | undefined;
}

/** Whether `origin` (an `Origin` header value) matches an entry of `allowed`. */
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

/** SockJS transports and pages a browser fetches without an `Origin` header. */
const ORIGINLESS =
  /^\/(?:[^/]+\/[^/]+\/(?:jsonp|jsonp_send|htmlfile)|iframe[0-9a-zA-Z._-]*\.html)$/;

/** The origin (`scheme://host[:port]`) of a URL, or null when it is not one. */
function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? null : parsed.origin;
  } catch {
    return null;
  }
}

export function checkOrigin(request: OriginRequest, allowed: readonly string[]): OriginVerdict {
  if (allowed.includes('*')) return { ok: true };
  const { origin, referer } = request;
  const permitted = request.self === undefined ? allowed : [...allowed, request.self];
  if (ORIGINLESS.test(request.path)) {
    return {
      ok: false,
      reason:
        'JSONP, htmlfile and iframe transports are off while server.allowedOrigins is restricted ' +
        '(browsers send no Origin for them)',
    };
  }
  if (origin !== undefined) {
    return originAllowed(origin, permitted)
      ? { ok: true }
      : { ok: false, reason: `origin ${origin} is not in server.allowedOrigins` };
  }
  if (referer !== undefined) {
    const from = originOf(referer);
    if (from === null || !originAllowed(from, permitted)) {
      return { ok: false, reason: `referer ${from ?? referer} is not in server.allowedOrigins` };
    }
  }
  // No Origin and no Referer: not a page's script (a browser would have sent Origin here).
  return { ok: true };
}
