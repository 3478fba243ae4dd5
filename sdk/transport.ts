// HTTP to the Pathwise server: write-key auth as Segment sends it, and keepalive so a request may
// outlive the page (sendBeacon cannot carry an Authorization header). The user hash travels in the
// body, so no custom header forces a CORS preflight beyond the one Authorization already needs.
export type Transport = {
  post(path: string, body: unknown, opts?: { keepalive?: boolean }): Promise<Response>;
};

/** The largest body a keepalive request may carry (browsers cap all in-flight keepalive bodies at 64 KB). */
export const KEEPALIVE_LIMIT = 60 * 1024;

export function transport(apiHost: string, writeKey: string): Transport {
  const auth = `Basic ${btoa(`${writeKey}:`)}`;
  return {
    post(path, body, opts) {
      const headers: Record<string, string> = { "Content-Type": "application/json", Authorization: auth };
      const text = JSON.stringify(body);
      return fetch(apiHost + path, {
        method: "POST",
        headers,
        body: text,
        keepalive: !!opts?.keepalive && text.length < KEEPALIVE_LIMIT,
        credentials: "omit",
        mode: "cors",
      });
    },
  };
}
