// Webhook delivery: the SSRF guard, the Stripe-style signature, and one bounded HTTP attempt.
//
// Signature: `Pathwise-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`;
// `Pathwise-Delivery: <touchpoint key>` is the same on every attempt, so a receiver can drop a
// re-delivery after a crash. Guard: the host is resolved and every address must be public unicast
// (no loopback, private, link-local, CGNAT, metadata, multicast or reserved ranges) unless
// PATHWISE_WEBHOOK_ALLOWLIST names the host, the address or a CIDR holding it; the connection goes to
// the address that was checked (no second lookup that could be rebound). Redirects are not followed
// (a 3xx is a failure), the response body read is capped, and the whole attempt has one deadline.
import { createHmac } from "node:crypto";
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

export const MAX_RESPONSE_BYTES = 64 * 1024;

export function webhookTimeoutMs(): number {
  const n = Number(process.env.PATHWISE_WEBHOOK_TIMEOUT_MS ?? 5000);
  return Number.isFinite(n) && n > 0 ? n : 5000;
}

export function signPayload(secret: string, body: string, at = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac("sha256", secret).update(`${at}.${body}`).digest("hex");
  return `t=${at},v1=${mac}`;
}

/** For receivers and tests: checks a Pathwise-Signature header against the body (default tolerance 5 minutes). */
export function verifySignature(secret: string, body: string, header: string, toleranceSec = 300, now = Date.now()): boolean {
  const parts = Object.fromEntries(header.split(",").map((kv) => kv.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || !parts.v1) return false;
  if (Math.abs(now / 1000 - t) > toleranceSec) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return expected.length === parts.v1.length && expected === parts.v1;
}

type Allow = { hosts: Set<string>; ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] };

function allowlist(): Allow {
  const hosts = new Set<string>();
  const ranges: Allow["ranges"] = [];
  for (const raw of (process.env.PATHWISE_WEBHOOK_ALLOWLIST ?? "").split(",")) {
    const item = raw.trim().toLowerCase();
    if (!item) continue;
    try {
      if (item.includes("/")) ranges.push(ipaddr.parseCIDR(item));
      else if (ipaddr.isValid(item)) {
        const a = ipaddr.process(item);
        ranges.push([a, a.kind() === "ipv4" ? 32 : 128]);
      } else hosts.add(item);
    } catch {
      hosts.add(item);
    }
  }
  return { hosts, ranges };
}

/**
 * The address as the network will treat it: an IPv4-mapped address is its IPv4 (ipaddr.process), and
 * so is an IPv4-compatible one (::a.b.c.d, deprecated ::/96, which URL parsers write as ::7f00:1 and
 * ipaddr calls plain unicast although it names an IPv4 host).
 */
function effective(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const a = ipaddr.process(address);
  if (a.kind() === "ipv6") {
    const parts = (a as ipaddr.IPv6).parts;
    if (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || parts[7] > 1)) {
      return ipaddr.fromByteArray([parts[6] >> 8, parts[6] & 0xff, parts[7] >> 8, parts[7] & 0xff]);
    }
  }
  return a;
}

function addressAllowed(address: string, allow: Allow): boolean {
  const a = effective(address);
  if (a.range() === "unicast") return true;
  return allow.ranges.some(([net, bits]) => a.kind() === net.kind() && a.match(net, bits));
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** Retrying cannot help (refused address, 4xx, redirect): record the failure now. */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** Resolves the URL's host and returns the one address to connect to, or throws a permanent error. */
export async function resolveTarget(url: URL): Promise<{ address: string; family: 4 | 6 }> {
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new DeliveryError(`Only http and https URLs are delivered, not ${url.protocol}`, true);
  const allow = allowlist();
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const hostAllowed = allow.hosts.has(host);
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (err) {
      throw new DeliveryError(`Cannot resolve ${host}: ${(err as Error).message}`, false);
    }
  }
  if (!addresses.length) throw new DeliveryError(`Cannot resolve ${host}`, false);
  if (!hostAllowed) {
    const refused = addresses.find((a) => !addressAllowed(a.address, allow));
    if (refused) {
      throw new DeliveryError(`Refused to send to ${host} (${refused.address}, ${effective(refused.address).range()} range); allow it with PATHWISE_WEBHOOK_ALLOWLIST`, true);
    }
  }
  const first = addresses[0];
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

export type WebhookRequest = { url: string; method: string; headers: Record<string, string>; body: string | null };
/** `truncated`: the body was longer than MAX_RESPONSE_BYTES and was cut there. */
export type WebhookResponse = { status: number; body: string; ms: number; truncated: boolean };

/** One attempt. Resolves with any HTTP answer; throws DeliveryError on refusal, timeout or network error. */
export async function sendWebhook(req: WebhookRequest, timeoutMs = webhookTimeoutMs()): Promise<WebhookResponse> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    throw new DeliveryError(`"${req.url}" is not a URL`, true);
  }
  const started = performance.now();
  const deadline = AbortSignal.timeout(timeoutMs);
  const target = await resolveTarget(url);
  const pinned: LookupFunction = (_host, options, cb) => {
    if ((options as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else cb(null, target.address, target.family);
  };
  const lib = url.protocol === "https:" ? https : http;
  return new Promise<WebhookResponse>((resolve, reject) => {
    const fail = (err: DeliveryError) => reject(err);
    const request = lib.request(
      url,
      { method: req.method, headers: req.headers, lookup: pinned, signal: deadline, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          if (size > MAX_RESPONSE_BYTES) return;
          size += chunk.length;
          chunks.push(chunk);
          if (size > MAX_RESPONSE_BYTES) res.destroy();
        });
        const done = () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString("utf8"),
            ms: performance.now() - started,
            truncated: size > MAX_RESPONSE_BYTES,
          });
        res.on("end", done);
        res.on("close", done);
        res.on("error", () => done());
      },
    );
    request.on("error", (err: Error) => {
      if (deadline.aborted) fail(new DeliveryError(`No answer within ${timeoutMs} ms`, false));
      else fail(new DeliveryError(err.message, false));
    });
    if (req.body !== null && req.method !== "GET") request.end(req.body);
    else request.end();
  });
}

/** What an HTTP status means for the delivery. */
export function classify(status: number): "sent" | "retry" | "failed" {
  if (status >= 200 && status < 300) return "sent";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  return "failed"; // 1xx/3xx (redirects are not followed) and other 4xx: the receiver will not change its mind
}
