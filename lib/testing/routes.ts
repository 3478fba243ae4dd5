// Calling route handlers directly, as Next does: real Request objects carrying a key or a console
// session, accounts with sessions per role, API keys; call() answers the Response, callJson() its
// status, parsed body and headers. The database is installed with lib/testing/db.ts.
import type { Db } from "@/lib/db/client";
import { createAccount } from "@/lib/auth/accounts";
import { createKey } from "@/lib/auth/keys";
import { createSession, SESSION_COOKIE } from "@/lib/auth/sessions";
import type { Role } from "@/lib/auth/roles";

export const ORIGIN = "http://pathwise.test";

let seq = 0;

/** A console account of the role with a live session; returns its cookie token. */
export async function sessionFor(db: Db, role: Role) {
  const account = await createAccount(db, { email: `${role}-${Date.now()}-${++seq}@example.com`, password: "password-123", role });
  const { token } = await createSession(db, account.id);
  return { account, token };
}

export async function keyFor(db: Db, kind: "write" | "secret") {
  return (await createKey(db, { kind, name: `${kind} key ${++seq}` })).key;
}

export type Caller = { key?: string; session?: string; basic?: boolean } | null;

export type CallInit = { method?: string; body?: unknown; raw?: string; headers?: Record<string, string>; caller?: Caller; crossSite?: boolean };

/** A real Request to the given path as the caller: a key in Authorization, or a session cookie. */
export function request(path: string, init: CallInit = {}): Request {
  const headers = new Headers(init.headers);
  const caller = init.caller;
  if (caller?.key) headers.set("authorization", caller.basic ? `Basic ${Buffer.from(`${caller.key}:`).toString("base64")}` : `Bearer ${caller.key}`);
  if (caller?.session) {
    headers.set("cookie", `${SESSION_COOKIE}=${encodeURIComponent(caller.session)}`);
    headers.set("sec-fetch-site", init.crossSite ? "cross-site" : "same-origin");
    if (init.crossSite) headers.set("origin", "https://evil.example");
  }
  let body: string | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return new Request(new URL(path, ORIGIN), { method: init.method ?? (body !== undefined ? "POST" : "GET"), headers, body });
}

export type RouteHandler = (req: Request, ctx?: { params?: Promise<Record<string, string | string[]>> }) => Promise<Response>;

/** Calls a route handler the way Next does, with route params. */
export function call(handler: RouteHandler, path: string, init: CallInit = {}, params: Record<string, string> = {}) {
  return handler(request(path, init), { params: Promise.resolve(params) });
}

/** Asserts the docs/api.md §3 error shape and returns the body. */
export async function errorOf(res: Response): Promise<{ code: string; message: string; details: unknown[] }> {
  const body = (await res.json()) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  if (!body.error || typeof body.error.code !== "string" || typeof body.error.message !== "string" || !Array.isArray(body.error.details)) {
    throw new Error(`Not a docs/api.md §3 error body: ${JSON.stringify(body)}`);
  }
  return body.error as { code: string; message: string; details: unknown[] };
}

export type JsonCallOptions = { method?: string; path?: string; body?: unknown; raw?: string; auth?: string; params?: Record<string, string>; headers?: Record<string, string> };

/** call(), then the status, the parsed body (the text when not JSON) and the headers; `auth` is a full Authorization value. */
export async function callJson(handler: RouteHandler, opts: JsonCallOptions = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.auth) headers.authorization = opts.auth;
  const res = await call(handler, opts.path ?? "/", { method: opts.method, body: opts.body, raw: opts.raw, headers }, opts.params ?? {});
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json: json as Record<string, any>, headers: res.headers }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const bearer = (key: string) => `Bearer ${key}`;
export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
