// CORS rules for everything under /api/v1 (docs/api.md §4): any origin may call, no cookies are honoured
// across origins (keys travel in the Authorization header or, from analytics.js, in the body), every
// answer carries the headers (errors and 404 included), and a preflight allows the request headers
// the browser asks for (analytics.js adds X-Retry-Count on retries). Both the Next routes and any
// other router in front of the same handlers use these functions, so the rules live here only.

/** Headers every preflight allows even when the browser names none. */
const DEFAULT_ALLOWED_HEADERS = ["authorization", "content-type", "content-encoding", "x-pathwise-user-hash", "x-retry-count"];
const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
/** Response headers a browser script may read besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = "retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, x-request-id";

/** The headers of an actual (non-preflight) answer. */
export const CORS_HEADERS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": EXPOSED_HEADERS,
};

/** True for the paths these rules cover. */
export function isCorsPath(pathname: string): boolean {
  return pathname === "/api/v1" || pathname.startsWith("/api/v1/");
}

// A header name is an RFC 9110 token; anything else in the request list is dropped, not echoed.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The preflight's answer headers: the asked-for request headers are allowed as asked. */
export function preflightHeaders(req?: Request): Record<string, string> {
  const asked = (req?.headers.get("access-control-request-headers") ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h && h.length <= 128 && TOKEN.test(h));
  const allowed = [...new Set([...DEFAULT_ALLOWED_HEADERS, ...asked])].slice(0, 64);
  return {
    ...CORS_HEADERS,
    "access-control-allow-methods": ALLOWED_METHODS,
    "access-control-allow-headers": allowed.join(", "),
    "access-control-max-age": "86400",
    // The answer depends on what was asked: caches must not hand one preflight's answer to another.
    vary: "Access-Control-Request-Headers, Access-Control-Request-Method",
  };
}

/** OPTIONS of any /api/v1 path: 204 with the preflight headers. */
export function corsPreflight(req?: Request): Response {
  return new Response(null, { status: 204, headers: preflightHeaders(req) });
}

/** Adds the CORS headers to an answer (a copy when its headers are immutable). */
export function withCors(res: Response): Response {
  try {
    for (const [k, v] of Object.entries(CORS_HEADERS)) res.headers.set(k, v);
    return res;
  } catch {
    const copy = new Response(res.body, { status: res.status, statusText: res.statusText, headers: res.headers });
    for (const [k, v] of Object.entries(CORS_HEADERS)) copy.headers.set(k, v);
    return copy;
  }
}
