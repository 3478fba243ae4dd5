// Where to send a browser after sign-in: only a path on this site. "/\evil.example" and "/\t/evil"
// look like paths but browsers resolve them off-site, so anything a URL parser would read as another
// origin, and any backslash or control character, falls back to the default.
const BASE = "http://pathwise.invalid";

export function safeNext(next: unknown, fallback = "/flows"): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//")) return fallback;
  if (/[\\\u0000-\u0020\u007f]/.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE || url.pathname.startsWith("/api/")) return fallback;
  return url.pathname + url.search + url.hash;
}
