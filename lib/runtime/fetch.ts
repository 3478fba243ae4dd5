// Fetch nodes at run time (docs/api.md §5 fetch): the "fetch" job calls the user's API through the
// webhook guard (SSRF rules, PATHWISE_WEBHOOK_ALLOWLIST, no redirects, response cap, one deadline),
// keeps a 2xx JSON answer in PostgreSQL for the node's cacheFor (shared by every instance; a warm
// answer makes no call), and resumes the run with the answer through the engine's dispatcher in one
// transaction with the profile locked, as a timer does.
//
//   callFetch(request, timeoutMs) => FetchAnswer                  one guarded call, never throws
//   fetchWithCache(sql, request, timeoutMs, cacheForMs) => FetchAnswer
//   handleFetch(job) / onFetchExhausted(job)                      the worker's "fetch" queue
//
// The network call happens outside any transaction (no lock is held while the API thinks); a crash
// after it re-runs the job, and the engine ignores an answer for a run that already moved on (the
// answer is keyed by the node visit's timerId).
import { createHash } from "node:crypto";
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { dispatch, type FetchAnswer, type FetchRequest, type FlowSet } from "@/lib/engine";
import { judgeAnswer } from "@/lib/engine/fetch-answer";
import { loadPolicyGate } from "@/lib/policies/runtime";
import { Applier, runFromRow, RUN_COLUMNS, type RunRow } from "./apply";
import { profileContext } from "./execute";
import { compiledVersion, liveFlows } from "./flow-cache";
import type { Job, JobResult } from "./jobs";
import type { FetchPayload } from "./types";
import { lockProfile, pausedRecheckMs } from "./timers";
import { DeliveryError, MAX_RESPONSE_BYTES, sendWebhook } from "./webhook";

export const FETCH_QUEUE = "fetch";
export const fetchKey = (timerId: string) => `fetch:${timerId}`;


/** The cache key of a rendered request: method, URL, headers (sorted) and body. */
export function fetchCacheKey(req: FetchRequest): string {
  const headers = Object.entries(req.headers)
    .map(([k, v]) => [k.toLowerCase(), v])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return createHash("sha256")
    .update(JSON.stringify([req.method, req.url, headers, req.method === "POST" ? (req.body ?? "") : ""]))
    .digest("hex");
}

/** One call through the webhook guard; every failure is an answer that leaves by `failed`. */
export async function callFetch(req: FetchRequest, timeoutMs: number): Promise<FetchAnswer> {
  return (await callFetchDetailed(req, timeoutMs)).answer;
}

/** callFetch, plus the start of the raw body (what "Try it" shows when the answer is not JSON). */
export async function callFetchDetailed(req: FetchRequest, timeoutMs: number): Promise<{ answer: FetchAnswer; text?: string }> {
  const headers: Record<string, string> = { accept: "application/json", "user-agent": "Pathwise-Fetch/1" };
  const body = req.method === "POST" ? (req.body ?? "") : null;
  if (body !== null) headers["content-type"] = "application/json";
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  const started = performance.now();
  try {
    const res = await sendWebhook({ url: req.url, method: req.method, headers, body }, timeoutMs);
    return { answer: judgeAnswer(res, MAX_RESPONSE_BYTES), text: res.body.slice(0, 2000) };
  } catch (err) {
    const message = err instanceof DeliveryError || err instanceof Error ? err.message : String(err);
    return { answer: { ok: false, error: message, ms: performance.now() - started } };
  }
}

/** A warm cached answer, or a call (whose 2xx JSON answer is kept for cacheForMs when that is > 0). */
export async function fetchWithCache(sql: Sql, req: FetchRequest, timeoutMs: number, cacheForMs: number): Promise<FetchAnswer> {
  const key = cacheForMs > 0 ? fetchCacheKey(req) : null;
  if (key) {
    const started = performance.now();
    const rows = await sql.query<{ status: number; answer: unknown }>(`SELECT status, answer FROM fetch_cache WHERE key = $1 AND expires_at > now()`, [key]);
    if (rows[0]) return { ok: true, data: rows[0].answer, status: rows[0].status, ms: performance.now() - started, cached: true };
  }
  const answer = await callFetch(req, timeoutMs);
  if (key && answer.ok) {
    await sql.query(
      `INSERT INTO fetch_cache (key, url, status, answer, stored_at, expires_at)
       VALUES ($1, $2, $3, $4::jsonb, now(), now() + ($5::bigint * interval '1 millisecond'))
       ON CONFLICT (key) DO UPDATE SET url = EXCLUDED.url, status = EXCLUDED.status, answer = EXCLUDED.answer, stored_at = EXCLUDED.stored_at, expires_at = EXCLUDED.expires_at`,
      [key, req.url.slice(0, 2000), answer.status, JSON.stringify(answer.data), Math.round(cacheForMs)],
    );
  }
  return answer;
}

/** Moves the run on with the answer, in one transaction with the profile locked; "held" for a paused flow. */
async function resume(db: Db, job: Job, p: FetchPayload, answer: FetchAnswer): Promise<"held" | "done"> {
  return db.tx(async (sql) => {
    const profile = await lockProfile(sql, job.profile_id || p.profileId);
    if (!profile) return "done";
    const rows = await sql.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE profile_id = $2 AND id = $1 FOR UPDATE`, [p.runId, profile.id]);
    const run = rows[0] ? runFromRow(rows[0]) : null;
    if (!run) return "done";
    const flow = (await liveFlows(sql)).get(run.flowId);
    if (!flow) return "done";
    const compiled = flow.status === "active" ? await compiledVersion(sql, run.versionId, flow.name) : null;
    const flowSet: FlowSet = { flows: [{ id: flow.id, status: flow.status, active: null }], version: (id) => (id === run.versionId ? compiled : null) };
    const now = Date.now();
    const policy = await loadPolicyGate(sql, profile, now);
    const res = dispatch(flowSet, [run], profileContext(profile, now), { kind: "fetched", runId: run.id, timerId: p.timerId, answer, at: now }, { gate: policy.gate });
    if (res.held) return "held";
    if (!res.moves.length) return "done"; // stale: the run moved on, or this answer was applied already
    const applier = new Applier(sql, profile);
    for (const m of res.moves) applier.apply(m.run, m.effects);
    await applier.flush();
    await policy.commit();
    return "done";
  });
}

export async function handleFetch(job: Job, { db }: { db: Db }): Promise<JobResult> {
  const p = job.payload as unknown as FetchPayload;
  // A run that already moved on (exited on its goal, this job re-run after a crash) needs no call.
  const [current] = await db.sql.query<{ status: string; timer: string | null }>(
    `SELECT status, state->'wait'->>'timerId' AS timer FROM runs WHERE profile_id = $2 AND id = $1`,
    [p.runId, job.profile_id || p.profileId],
  );
  if (!current || current.status !== "waiting" || current.timer !== p.timerId) return;
  const answer = await fetchWithCache(db.sql, p.request, p.timeoutMs, p.cacheForMs);
  const outcome = await resume(db, job, p, answer);
  if (outcome === "held") return { retryAt: new Date(Date.now() + pausedRecheckMs()) };
}

/** The job failed every attempt (the database, not the API: API failures are answers): leave by `failed`. */
export async function onFetchExhausted(job: Job, error: string, { db }: { db: Db }): Promise<void> {
  const p = job.payload as unknown as FetchPayload;
  await resume(db, job, p, { ok: false, error: `The fetch could not be completed: ${error}` });
}
