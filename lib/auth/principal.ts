// Who is calling (a Principal), who may call a route (an Access), and how a request proves who it is
// (an API key in the header or, for ingestion, in the body; a console session cookie). route() is the
// only caller of authenticate(); the rate limiter and the OpenAPI document use the types.
import type { Db } from "@/lib/db/client";
import { findKey } from "./keys";
import { findSession, SESSION_COOKIE, type SessionAccount } from "./sessions";
import type { Role } from "./roles";

export type Principal =
  | { kind: "secret"; keyId: string; name: string; role: "admin"; actor: string }
  | { kind: "write"; keyId: string; name: string; role: null; actor: string }
  | { kind: "session"; account: SessionAccount; role: Role; actor: string }
  /** A public route's caller: nobody in particular, with no role and no key. */
  | { kind: "anonymous"; role: null; actor: "anonymous" };

/**
 * Who may call a route:
 * - "public": anybody (health, openapi, sign-in, a source's webhook with its own secret);
 * - "write": secret keys, write keys, and signed-in accounts (ingestion, /decide, /outcomes);
 * - a Role: secret keys, and signed-in accounts with at least that role. Write keys get 403.
 */
export type Access = "public" | "write" | Role;

export const ANONYMOUS: Principal = Object.freeze({ kind: "anonymous", role: null, actor: "anonymous" });

/** Just what authentication reads of a request (a web Request has it). */
export type RequestHeaders = { headers: { get(name: string): string | null } };

/** The key in `Authorization: Bearer <key>` or Segment's `Basic base64("<key>:")`. */
export function presentedKey(req: RequestHeaders): string | null {
  const h = req.headers.get("authorization");
  if (!h) return null;
  const [scheme, ...rest] = h.trim().split(/\s+/);
  const value = rest.join(" ");
  if (/^bearer$/i.test(scheme)) return value || null;
  if (/^basic$/i.test(scheme)) {
    try {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      return decoded.split(":")[0] || null;
    } catch {
      return null;
    }
  }
  return null;
}

function cookie(req: RequestHeaders, name: string): string | null {
  const header = req.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) {
      try {
        return decodeURIComponent(v.join("="));
      } catch {
        return null;
      }
    }
  }
  return null;
}

function keyPrincipal(key: { id: string; kind: "secret" | "write"; name: string }): Principal {
  return key.kind === "secret"
    ? { kind: "secret", keyId: key.id, name: key.name, role: "admin", actor: `key:${key.name}` }
    : { kind: "write", keyId: key.id, name: key.name, role: null, actor: `write-key:${key.name}` };
}

/** The caller named by the Authorization header's key, else by the console session cookie; null when neither. */
export async function authenticate(req: RequestHeaders, db: Db): Promise<Principal | null> {
  const token = presentedKey(req);
  if (token) {
    const key = await findKey(db, token);
    return key ? keyPrincipal(key) : null;
  }
  const sessionToken = cookie(req, SESSION_COOKIE);
  if (sessionToken) {
    const account = await findSession(db, sessionToken);
    if (account) return { kind: "session", account, role: account.role, actor: account.email };
  }
  return null;
}

/** The caller named by a key given in the body (analytics.js posts text/plain with `writeKey`, no header). */
export async function authenticateBodyKey(db: Db, key: unknown): Promise<Principal | null> {
  if (typeof key !== "string" || !key) return null;
  const found = await findKey(db, key);
  return found ? keyPrincipal(found) : null;
}

/**
 * The one same-origin rule (CSRF) for a browser request that a cookie could authenticate: the
 * browser's Sec-Fetch-Site when it sends one, else its Origin against the Host.
 */
export function sameOrigin(req: RequestHeaders): boolean {
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
