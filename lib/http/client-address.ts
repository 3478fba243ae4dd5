// The address a request came from, for rate limits and login throttling. Forwarded headers are read
// only when PATHWISE_TRUST_PROXY says proxies are in front (a client talking to us directly could write
// any X-Forwarded-For); otherwise the socket's address, which `npm start` passes in PEER_HEADER.

/** Set by the HTTP server from the socket on every request (any value a client sent is replaced). */
export const PEER_HEADER = "x-pathwise-peer";

/**
 * How many proxies in front append to X-Forwarded-For: PATHWISE_TRUST_PROXY unset, "0" or "false":
 * none (forwarded headers are ignored); "true": one; a number N: N.
 */
export function trustedProxyHops(value = process.env.PATHWISE_TRUST_PROXY): number {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "" || v === "0" || v === "false" || v === "off" || v === "no") return 0;
  if (v === "true" || v === "on" || v === "yes") return 1;
  const n = Number(v);
  if (Number.isInteger(n) && n > 0) return n;
  throw new Error(`PATHWISE_TRUST_PROXY must be true, false or a number of proxies, not "${value}"`);
}

/**
 * With N trusted proxies the client is the N-th address from the right of X-Forwarded-For (each proxy
 * appends the address it saw; entries further left are whatever the client wrote), else X-Real-IP.
 * Without trusted proxies, or when they sent nothing: the socket's address, else "local".
 */
export function clientAddress(req: Request): string {
  const hops = trustedProxyHops();
  if (hops > 0) {
    const list = (req.headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length) return list[Math.max(0, list.length - hops)];
    const real = req.headers.get("x-real-ip")?.trim();
    if (real) return real;
  }
  return req.headers.get(PEER_HEADER)?.trim() || "local";
}
