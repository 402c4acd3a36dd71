/**
 * The one reader of request paths, on both ports, before any routing, origin or session
 * binding check. It refuses what it cannot read unambiguously instead of guessing the way some
 * library downstream would: a backslash (Node's legacy `url.parse`, which SockJS routes with,
 * turns it into `/`), an empty segment (`//`), a `.` or `..` segment, an encoded separator or
 * dot (`%2F`, `%5C`, `%2E`), a bad `%` escape, and anything outside printable ASCII. Pure.
 */

export type RequestPath =
  { ok: true; pathname: string; query: string } | { ok: false; reason: string };

/** RFC 3986 path characters (`pchar` and `/`); `%` is checked on its own. */
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
/** Query characters: printable ASCII without backslash (SockJS's JSONP callbacks live here). */
const QUERY_CHARS = /^[\x21-\x5b\x5d-\x7e]*$/;
const ESCAPE = /%(?![0-9A-Fa-f]{2})|%(2[Ff]|5[Cc]|2[Ee]|[01][0-9A-Fa-f]|7[Ff])/;

/** Splits a request target (`req.url`) into a path that routing may trust and its query. */
export function parseRequestPath(target: string | undefined): RequestPath {
  if (target === undefined || target === '') return { ok: false, reason: 'no request target' };
  const mark = target.indexOf('?');
  const pathname = mark === -1 ? target : target.slice(0, mark);
  const query = mark === -1 ? '' : target.slice(mark + 1);
  if (!pathname.startsWith('/')) return { ok: false, reason: 'the path must start with "/"' };
  if (!PATH_CHARS.test(pathname)) {
    return {
      ok: false,
      reason: pathname.includes('\\')
        ? 'backslashes are not allowed in paths'
        : 'the path holds characters outside RFC 3986',
    };
  }
  if (ESCAPE.test(pathname)) {
    return { ok: false, reason: 'encoded separators, dots or control characters in the path' };
  }
  const segments = pathname.split('/').slice(1);
  for (const [index, segment] of segments.entries()) {
    // A trailing slash ends the path in an empty segment: `/tapi-messenger/` is fine, `//` is not.
    if (segment === '' && index !== segments.length - 1) {
      return { ok: false, reason: 'empty path segments ("//") are not allowed' };
    }
    if (segment === '.' || segment === '..') {
      return { ok: false, reason: 'dot segments are not allowed in paths' };
    }
  }
  if (!QUERY_CHARS.test(query)) return { ok: false, reason: 'bad characters in the query' };
  return { ok: true, pathname, query };
}
