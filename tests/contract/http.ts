// A curl-like client for the suite: raw requests, with the answer's status, headers, text and JSON,
// and the checks every error answer must pass (docs/api.md §3).
/* eslint-disable @typescript-eslint/no-explicit-any -- answers are arbitrary JSON from the outside; each test asserts the shape it reads */
import { expect } from "vitest";
import type { OpenApiCheck } from "./openapi-check";

export type Answer<T = any> = { status: number; headers: Headers; text: string; json: T; contentType: string };

export type Req = {
  key?: string | null;
  basic?: string;
  body?: unknown;
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
  cookie?: string;
  redirect?: RequestRedirect;
};

/** `check`, when given, sees every answer (the served OpenAPI document must describe it). */
export function client(baseUrl: string, defaultKey: string, check?: () => OpenApiCheck | undefined) {
  async function call<T = any>(method: string, path: string, req: Req = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    const key = req.key === undefined ? defaultKey : req.key;
    if (req.basic !== undefined) headers.authorization = `Basic ${Buffer.from(`${req.basic}:`).toString("base64")}`;
    else if (key) headers.authorization = `Bearer ${key}`;
    if (req.cookie) headers.cookie = req.cookie;
    let body: BodyInit | undefined;
    if (req.raw !== undefined) body = req.raw as BodyInit;
    else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(baseUrl + path, { method, headers, body, redirect: req.redirect ?? "manual", signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let json: any = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const contentType = res.headers.get("content-type") ?? "";
    check?.()?.check(method, baseUrl + path, res.status, contentType, text);
    return { status: res.status, headers: res.headers, text, json, contentType };
  }
  return {
    call,
    get: <T = any>(path: string, req?: Req) => call<T>("GET", path, req),
    post: <T = any>(path: string, body?: unknown, req: Req = {}) => call<T>("POST", path, { ...req, body }),
    put: <T = any>(path: string, body?: unknown, req: Req = {}) => call<T>("PUT", path, { ...req, body }),
    del: <T = any>(path: string, req?: Req) => call<T>("DELETE", path, req),
  };
}

export type Client = ReturnType<typeof client>;

/** docs/api.md §3: a JSON body {"error":{"code","message","details"}} with the expected status. */
export function expectError(a: Answer, status: number, code?: string) {
  const where = `${a.status} ${a.text.slice(0, 300)}`;
  expect(a.status, where).toBe(status);
  expect(a.contentType, where).toMatch(/application\/json/);
  expect(a.json, where).toBeTypeOf("object");
  expect(a.json.error, where).toBeTypeOf("object");
  expect(a.json.error.code, where).toMatch(/^[a-z][a-z0-9_]*$/);
  expect(a.json.error.message, where).toBeTypeOf("string");
  expect(a.json.error.message.length, where).toBeGreaterThan(0);
  expect(Array.isArray(a.json.error.details), where).toBe(true);
  if (code) expect(a.json.error.code, where).toBe(code);
}

/** Any answer from /api/: never a 500, never HTML; an error is docs/api.md §3 JSON. */
export function expectSane(a: Answer, what: string) {
  const where = `${what} → ${a.status} ${a.text.slice(0, 300)}`;
  expect(a.status, where).toBeLessThan(500);
  expect(a.contentType, where).not.toMatch(/text\/html/);
  expect(a.text, where).not.toMatch(/<html|<!DOCTYPE/i);
  if (a.status >= 400) expectError(a, a.status);
}

/** The detail paths of an error, for "details name the field" checks. */
export const detailPaths = (a: Answer): string[] =>
  (a.json?.error?.details ?? []).map((d: { path?: unknown; index?: unknown }) => [d.path, d.index].filter((x) => x !== undefined).join(" ")).map(String);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a truthy value or the time is up (for the worker's asynchronous steps). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, ms = 10_000, every = 100): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms${last ? `: ${String(last)}` : ""}`);
    await sleep(every);
  }
}

export const uid = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
