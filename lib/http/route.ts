// The one wrapper every API route goes through: authenticate (key or console session), check what
// the caller may do, parse the body with zod, map errors to CONTRACT §3, and count the request.
import { z } from "zod";
import { getDb, type Db } from "@/lib/db/client";
import { findKey, type KeyKind } from "@/lib/auth/keys";
import { findSession, SESSION_COOKIE, type SessionAccount } from "@/lib/auth/sessions";
import { hasRole, type Role } from "@/lib/auth/roles";
import { ApiError, badRequest, errorResponse, forbidden, notFound, unauthorized, zodToDetails } from "./errors";
import { readJson, KB, UNSTORABLE } from "./body";
import { metrics } from "./metrics";
import { CORS_HEADERS } from "./cors";
import { callerOf, enforceRateLimit } from "./rate-limit";
import { withFairShare } from "./fair-gate";

export type Principal =
  | { kind: "secret"; keyId: string; name: string; role: "admin"; actor: string }
  | { kind: "write"; keyId: string; name: string; role: null; actor: string }
  | { kind: "session"; account: SessionAccount; role: Role; actor: string };

/**
 * Who may call a route:
 * - "public": anybody (health, openapi);
 * - "write": secret keys, write keys, and signed-in accounts (ingestion, /decide, /outcomes);
 * - a Role: secret keys, and signed-in accounts with at least that role. Write keys get 403.
 */
export type Access = "public" | "write" | Role;

export type Ctx<B> = {
  req: Request;
  db: Db;
  principal: Principal;
  body: B;
  params: Record<string, string>;
  url: URL;
};

type Options<S extends z.ZodType | undefined> = {
  name: string;
  access: Access;
  body?: S;
  /** Body limit in bytes (default 1 MB). */
  limit?: number;
  /** Answers carry CORS headers (browser endpoints called with a write key from other sites). */
  cors?: boolean;
  /** The status for a body of the wrong shape: 400 by default. */
  invalidStatus?: 400 | 422;
};

type Handler<B> = (ctx: Ctx<B>) => Promise<Response | unknown> | Response | unknown;

const PUBLIC: Principal = { kind: "secret", keyId: "public", name: "public", role: "admin", actor: "anonymous" };

function bearer(req: Request): string | null {
  const h = req.headers.get("authorization");
  if (!h) return null;
  const [scheme, ...rest] = h.trim().split(/\s+/);
  const value = rest.join(" ");
  if (/^bearer$/i.test(scheme)) return value || null;
  if (/^basic$/i.test(scheme)) {
    // Segment sends base64("<writeKey>:"); take the user part.
    try {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      const user = decoded.split(":")[0];
      return user || null;
    } catch {
      return null;
    }
  }
  return null;
}

function cookie(req: Request, name: string): string | null {
  const header = req.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A cookie-authenticated mutation must come from our own pages: refuse other origins (CSRF). */
export function sameOrigin(req: Request): boolean {
  const site = req.headers.get("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none";
  const origin = req.headers.get("origin");
  if (!origin) return true; // not a browser form/fetch from another site (browsers send Origin on cross-site POSTs)
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export async function authenticate(req: Request, db: Db): Promise<Principal | null> {
  const token = bearer(req);
  if (token) {
    const key = await findKey(db, token);
    if (!key) return null;
    return key.kind === "secret"
      ? { kind: "secret", keyId: key.id, name: key.name, role: "admin", actor: `key:${key.name}` }
      : { kind: "write", keyId: key.id, name: key.name, role: null, actor: `write-key:${key.name}` };
  }
  const sessionToken = cookie(req, SESSION_COOKIE);
  if (sessionToken) {
    const account = await findSession(db, sessionToken);
    if (account) return { kind: "session", account, role: account.role, actor: account.email };
  }
  return null;
}

function authorize(principal: Principal, access: Access, req: Request) {
  if (access === "public") return;
  if (principal.kind === "write") {
    if (access !== "write") throw forbidden("A write key may only send events, ask for decisions and record outcomes; use a secret key");
    return;
  }
  if (principal.kind === "session") {
    if (!SAFE_METHODS.has(req.method) && !sameOrigin(req)) throw forbidden("Cross-origin requests may not use the console session");
    if (access !== "write" && !hasRole(principal.role, access)) {
      throw forbidden(`This needs the ${access} role; your account is ${principal.role}`);
    }
  }
}

export function route<S extends z.ZodType | undefined = undefined>(
  opts: Options<S>,
  handler: Handler<S extends z.ZodType ? z.infer<S> : undefined>,
) {
  return async (req: Request, context?: { params?: Promise<Record<string, string | string[]>> }) => {
    const started = performance.now();
    let status = 500;
    try {
      const db = await getDb();
      let principal: Principal = PUBLIC;
      if (opts.access !== "public") {
        const p = await authenticate(req, db);
        // Failed authentications drain the address's bucket too, which slows key guessing.
        await enforceRateLimit(req, opts.access, p);
        if (!p) throw unauthorized();
        principal = p;
      }
      authorize(principal, opts.access, req);
      let body: unknown = undefined;
      if (opts.body) {
        const raw = await readJson(req, opts.limit ?? 1024 * KB);
        const parsed = opts.body.safeParse(raw);
        if (!parsed.success) {
          const details = zodToDetails(parsed.error);
          throw opts.invalidStatus === 422
            ? new ApiError(422, "invalid_request", "The request has fields of the wrong shape", details)
            : badRequest(`The request has fields of the wrong shape: ${details.map((d) => `${d.path || "(body)"}: ${d.message}`).slice(0, 3).join("; ")}`, details);
        }
        body = parsed.data;
      }
      const rawParams = (await context?.params) ?? {};
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(rawParams)) params[k] = Array.isArray(v) ? v.join("/") : v;
      // PostgreSQL cannot compare text holding NUL or a lone surrogate (it errors: a 500); nothing
      // stored can hold one, so such an id names nothing and such a query value is malformed.
      if (Object.values(params).some((v) => UNSTORABLE.test(v))) throw notFound();
      const url = new URL(req.url);
      for (const [k, v] of url.searchParams) {
        if (UNSTORABLE.test(v)) throw badRequest(`${k}: text may not contain NUL characters or unpaired surrogates`, [{ path: k, message: "Text may not contain NUL characters or unpaired surrogates" }]);
      }
      const run = () => Promise.resolve(handler({ req, db, principal, body: body as never, params, url }));
      // Write-path routes (/decide, /outcomes) share this instance's slots fairly between callers.
      const result = opts.access === "write" ? await withFairShare(callerOf(req, principal), run) : await run();
      const res = result instanceof Response ? result : Response.json(result ?? { success: true });
      status = res.status;
      return opts.cors ? withCors(res) : res;
    } catch (err) {
      const res = errorResponse(err);
      status = res.status;
      return opts.cors ? withCors(res) : res;
    } finally {
      const m = metrics();
      m.httpRequests.inc({ route: opts.name, method: req.method, status: String(status) });
      m.httpDuration.observe({ route: opts.name, method: req.method }, (performance.now() - started) / 1000);
    }
  };
}

function withCors(res: Response): Response {
  for (const [k, v] of Object.entries(CORS_HEADERS)) res.headers.set(k, v);
  return res;
}

export const json = (data: unknown, status = 200, headers?: Record<string, string>) => Response.json(data, { status, headers });

export type { KeyKind };
