// Test helpers of the data area: a database installed as the process's own (so route handlers use
// it), keys, and requests to route handlers as a client would send them.
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDb, type Db } from "@/lib/db/client";
import { createKey } from "@/lib/auth/keys";
import { claimJobs, registerJobHandler, runJob } from "@/lib/runtime/jobs";
import { handleImportExhausted, handleImportJob } from "./import";

const holder = globalThis as unknown as { __pathwiseDb?: Promise<Db> };

export type TestDb = { db: Db; secret: string; write: string; close(): Promise<void> };

/** In-memory PGlite, or a fresh PostgreSQL database with a random name when `pg` is true. */
export async function setupDb(kind: "pglite" | "pg" = "pglite"): Promise<TestDb> {
  let db: Db;
  let drop = async () => {};
  if (kind === "pg") {
    const admin = "postgres://postgres@127.0.0.1:5432/postgres";
    const name = `pw_ingest_${Math.random().toString(36).slice(2, 10)}`;
    const c = new pg.Client(admin);
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    db = await openDb({ databaseUrl: `postgres://postgres@127.0.0.1:5432/${name}`, poolSize: 12 });
    drop = async () => {
      const d = new pg.Client(admin);
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    };
  } else {
    db = await openDb({ pglite: new PGlite() });
  }
  holder.__pathwiseDb = Promise.resolve(db);
  const secret = (await createKey(db, { kind: "secret", name: "test secret" })).key;
  const write = (await createKey(db, { kind: "write", name: "test write" })).key;
  return {
    db,
    secret,
    write,
    async close() {
      holder.__pathwiseDb = undefined;
      await db.close();
      await drop();
    },
  };
}

type Handler = (req: Request, ctx?: { params?: Promise<Record<string, string>> }) => Promise<Response>;

/** Calls a route handler with a real Request; `auth` is a full Authorization header value. */
export async function call(handler: Handler, opts: { method?: string; path?: string; body?: unknown; raw?: string; auth?: string; params?: Record<string, string>; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.auth) headers.authorization = opts.auth;
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const req = new Request(`http://localhost${opts.path ?? "/"}`, { method: opts.method ?? (body !== undefined ? "POST" : "GET"), headers, body });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
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

/** Runs queued import jobs until none is left (as the worker would). */
export async function drainImports(db: Db) {
  registerJobHandler("import", handleImportJob, { exhausted: handleImportExhausted });
  for (let i = 0; i < 1000; i++) {
    const jobs = await claimJobs(db, "test-worker", 1, ["import"]);
    if (!jobs.length) {
      const [{ n }] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE queue = 'import'`);
      if (!n) return;
      continue;
    }
    for (const j of jobs) await runJob(db, j, "test-worker");
  }
}

