// Rate limits per caller (token buckets), counted in messages: one budget for ingestion-type routes
// ("write": a batch of 500 costs 500), one for everything else ("api"), and two for source webhooks
// (per source, and per client address). The caller is the API key, the console session, or the
// client address when unauthenticated.
//
// Where the state lives: with REDIS_URL set, in Redis (one Lua script per check, so every instance
// shares the same buckets and a restart keeps them); if Redis does not answer, each instance falls
// back to its own memory until it does (logged once). Without REDIS_URL, in this process's memory:
// free, but with N instances the effective limit for one key is N times the configured one.
import Redis from "ioredis";
import type { Access, Principal } from "@/lib/auth/principal";
import { ApiError } from "./errors";
import { clientAddress } from "./client-address";

export { clientAddress };

export type Budget = "write" | "api" | "webhook" | "webhook_address";
export type Limit = { ratePerSec: number; burst: number };
export type Verdict = { ok: true } | { ok: false; retryAfterSec: number };

/** Generous defaults: tests and benchmarks on one machine never reach them. */
export const DEFAULT_LIMITS: Record<Budget, string> = {
  // A write key is shared by every visitor of a site (analytics.js, /decide from the browser): its
  // budget must hold a busy site, and it is per instance without Redis.
  write: "50000/s burst 100000",
  api: "1000/s burst 2000",
  webhook: "100/s burst 200",
  webhook_address: "20/s burst 40",
};

const ENV: Record<Budget, string> = {
  write: "PATHWISE_RATE_LIMIT_WRITE",
  api: "PATHWISE_RATE_LIMIT_API",
  webhook: "PATHWISE_RATE_LIMIT_WEBHOOK",
  webhook_address: "PATHWISE_RATE_LIMIT_WEBHOOK_ADDRESS",
};

const UNIT_SECONDS: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600 };

/**
 * Parses "N/s burst M" (also "N/m", "N/h", "N/s" alone, or a bare "N" per second); the burst
 * defaults to one second's worth (at least 1). "0", "off" or "none" turn the budget off (null).
 * Anything unreadable is an error, so a typo in the environment is noticed at start.
 */
export function parseLimit(text: string): Limit | null {
  const t = text.trim().toLowerCase();
  if (t === "0" || t === "off" || t === "none" || t === "false") return null;
  const m = /^(\d+(?:\.\d+)?)\s*(?:\/\s*([a-z]+))?\s*(?:,?\s*burst\s*(\d+))?$/.exec(t);
  if (!m) throw new Error(`Unreadable rate limit "${text}": write it as "100/s burst 200", "600/m" or 0 for off`);
  const unit = m[2] ?? "s";
  const seconds = UNIT_SECONDS[unit];
  if (!seconds) throw new Error(`Unknown rate limit unit "${unit}" in "${text}": use s, m or h`);
  const ratePerSec = Number(m[1]) / seconds;
  if (ratePerSec <= 0) return null;
  const burst = m[3] !== undefined ? Number(m[3]) : Math.max(1, Math.ceil(ratePerSec));
  if (burst < 1) return null;
  return { ratePerSec, burst };
}

type Bucket = { tokens: number; at: number };

const MAX_BUCKETS = 100_000;

/** A set of token buckets for one budget. `now` is injectable so tests need no sleeping. */
export class TokenBuckets {
  private buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: Limit,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token from the caller's bucket, or says how long until one is available. */
  take(caller: string, cost = 1): Verdict {
    const t = this.now();
    const { ratePerSec, burst } = this.limit;
    // A request bigger than the burst could never pass: it costs a full bucket instead.
    cost = Math.min(cost, burst);
    let b = this.buckets.get(caller);
    if (!b) {
      if (this.buckets.size >= MAX_BUCKETS) this.sweep(t);
      b = { tokens: burst, at: t };
      this.buckets.set(caller, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * ratePerSec);
      b.at = t;
    }
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterSec: Math.max(1, Math.ceil((cost - b.tokens) / ratePerSec)) };
  }

  get size() {
    return this.buckets.size;
  }

  /** Forgets buckets that have refilled (the same as absent); bounds memory under many callers. */
  private sweep(t: number) {
    const { ratePerSec, burst } = this.limit;
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * ratePerSec >= burst) this.buckets.delete(k);
    }
    // Everybody is mid-burst (a flood of distinct callers): start over rather than grow without bound.
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
  }
}

export type RateLimiter = {
  check(budget: Budget, caller: string, cost?: number): Verdict | Promise<Verdict>;
  /** Resolves once a shared store answers (tests; checks before that use memory). */
  ready?(): Promise<void>;
  close?(): Promise<void>;
};
export type LimitTexts = Partial<Record<Budget, string>>;

function limitsOf(env: LimitTexts): Record<Budget, Limit | null> {
  const out = {} as Record<Budget, Limit | null>;
  for (const b of Object.keys(DEFAULT_LIMITS) as Budget[]) out[b] = parseLimit(env[b] ?? DEFAULT_LIMITS[b]);
  return out;
}

/** The limiter in this process's memory (given texts, else the defaults). */
export function createRateLimiter(env: LimitTexts = {}, now?: () => number): RateLimiter {
  const limits = limitsOf(env);
  const sets = {} as Record<Budget, TokenBuckets | null>;
  for (const b of Object.keys(limits) as Budget[]) sets[b] = limits[b] ? new TokenBuckets(limits[b]!, now) : null;
  return {
    check(budget, caller, cost = 1) {
      return sets[budget]?.take(caller, cost) ?? { ok: true };
    },
  };
}

// One token bucket in a Redis hash {tokens, at}; the server's clock, so instances need not agree on time.
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil or at == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local ok = 0
if tokens >= cost then tokens = tokens - cost; ok = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
if ok == 1 then return 0 end
return math.ceil((cost - tokens) / rate)
`;

/**
 * The limiter shared by every instance through Redis. A check that Redis cannot answer in time is
 * made against this process's memory instead (so an outage neither blocks traffic nor lifts limits).
 */
export function createRedisRateLimiter(url: string, env: LimitTexts = {}, opts: { prefix?: string; timeoutMs?: number } = {}): RateLimiter {
  const limits = limitsOf(env);
  const local = createRateLimiter(env);
  const prefix = opts.prefix ?? "pathwise:rl:";
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: opts.timeoutMs ?? 200 });
  let warned = false;
  redis.on("error", (err: Error) => {
    if (!warned) console.warn(`[rate-limit] Redis unavailable (${err.message}); limits are per instance until it answers`);
    warned = true;
  });
  redis.on("ready", () => {
    warned = false;
  });
  redis.defineCommand("pathwiseTake", { numberOfKeys: 1, lua: TAKE_SCRIPT });
  const take = (redis as unknown as { pathwiseTake(key: string, rate: number, burst: number, cost: number): Promise<number> }).pathwiseTake.bind(redis);
  return {
    async check(budget, caller, cost = 1) {
      const limit = limits[budget];
      if (!limit) return { ok: true };
      const c = Math.min(cost, limit.burst);
      // Not connected (starting, or Redis is down): this instance's memory, with no wait.
      if (redis.status !== "ready") return local.check(budget, caller, c);
      try {
        const waitMs = Number(await take(`${prefix}${budget}:${caller}`, limit.ratePerSec / 1000, limit.burst, c));
        return waitMs <= 0 ? { ok: true } : { ok: false, retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)) };
      } catch {
        return local.check(budget, caller, c);
      }
    },
    ready() {
      return redis.status === "ready" ? Promise.resolve() : new Promise<void>((resolve) => redis.once("ready", () => resolve()));
    },
    async close() {
      redis.disconnect();
    },
  };
}

const holder = globalThis as unknown as { __pathwiseRateLimiter?: RateLimiter };

function envTexts(): LimitTexts {
  const out: LimitTexts = {};
  for (const b of Object.keys(ENV) as Budget[]) if (process.env[ENV[b]]) out[b] = process.env[ENV[b]];
  return out;
}

/** The process's limiter, read from the environment once: Redis when REDIS_URL is set. */
export function rateLimiter(): RateLimiter {
  holder.__pathwiseRateLimiter ??= process.env.REDIS_URL ? createRedisRateLimiter(process.env.REDIS_URL, envTexts()) : createRateLimiter(envTexts());
  return holder.__pathwiseRateLimiter;
}

/** Replaces the process's limiter (tests) or, with no argument, makes it re-read the environment. */
export function resetRateLimiter(limiter?: RateLimiter) {
  void holder.__pathwiseRateLimiter?.close?.();
  holder.__pathwiseRateLimiter = limiter;
}

export function budgetFor(access: Access): Budget {
  return access === "write" ? "write" : "api";
}

/** Whose bucket a request drains: its key, its console session, or (unauthenticated) its address. */
export function callerOf(req: Request, principal: Principal | null): string {
  if (!principal || principal.kind === "anonymous") return `ip:${clientAddress(req)}`;
  if (principal.kind === "session") return `session:${principal.account.sessionId}`;
  return `key:${principal.keyId}`;
}

/**
 * Throws 429 with Retry-After when the caller's budget for this route is spent. route() calls it for
 * every non-public route; a "public" route that authenticates by itself (ingestion reads the write
 * key from the body too) calls it with the principal it found, or null for an unknown caller.
 * `cost` is the number of messages the request carries (a batch of 500 costs 500).
 */
export async function enforceRateLimit(req: Request, access: Access, principal: Principal | null, cost = 1): Promise<void> {
  await enforceBudget(budgetFor(access), callerOf(req, principal), cost);
}

/** Throws 429 with Retry-After when `caller`'s bucket of `budget` cannot pay `cost`. */
export async function enforceBudget(budget: Budget, caller: string, cost = 1): Promise<void> {
  const verdict = await rateLimiter().check(budget, caller, cost);
  if (!verdict.ok) {
    throw new ApiError(
      429,
      "rate_limited",
      `Too many requests; try again in ${verdict.retryAfterSec} second${verdict.retryAfterSec === 1 ? "" : "s"}`,
      [{ budget, retryAfter: verdict.retryAfterSec }],
      { "retry-after": String(verdict.retryAfterSec) },
    );
  }
}

/** A source webhook: its per-source budget and the sender address's budget (wrong secrets included). */
export async function enforceWebhookLimit(req: Request, sourceId: string): Promise<void> {
  await enforceBudget("webhook_address", `ip:${clientAddress(req)}`);
  await enforceBudget("webhook", `source:${sourceId}`);
}
