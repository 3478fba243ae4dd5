// CRM import (docs/api.md §7): a CSV (a userId column, every other column a trait) or a JSON array of
// {userId, traits}; or a catalog import (docs/api.md §9): a CSV of items (id, name, url, image, price,
// category, every other column an attribute). Either is stored in imports.data so any worker can process it, then applied by the "import"
// job in chunks, in bounded memory: the file is read from the database 1 MB at a time and parsed by a
// streaming CSV parser; progress (done, failed, errors per row) is saved after every chunk.
import { Readable } from "node:stream";
import { randomUUID } from "node:crypto";
import { parse } from "csv-parse";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { enqueue, type Job, type JobResult } from "@/lib/runtime/jobs";
import { MESSAGE_LIMIT, type Message } from "./messages";
import { UNSTORABLE } from "@/lib/http/body";
import { ingest } from "./pipeline";
import { dict } from "@/lib/dict";
import { CatalogItemInput } from "@/lib/catalog/schema";
import { upsertItems } from "@/lib/catalog/items";

export const IMPORT_LIMIT = 100 * 1024 * 1024;
export const JSON_IMPORT_LIMIT = 20 * 1024 * 1024;
// Rows per transaction. A transaction costs a dozen statements whatever its size, so fewer, larger
// ones finish the import sooner; requests get their turn between them (yieldToRequests).
const CHUNK_ROWS = 1000;
// Bytes of the stored file parsed at a time: the CSV parser works through one slice without yielding.
const READ_BYTES = 256 * 1024;
/** Lets requests waiting on the event loop run before the import's next step. */
const yieldToRequests = () => new Promise<void>((r) => setImmediate(r));
// The embedded store (PGlite) runs one statement at a time, in this process: while an import's
// transaction runs, every request waits for it. There a chunk is sized to take about CHUNK_TARGET_MS, and between chunks the
// import waits while requests are queued on the store, up to GIVE_WAY_MS, so a request waits at most
// about one short chunk and the import still gets a share of the store under constant load.
// 10 ms: under /decide load during a 100,000-row import, 40 ms chunks let the server answer 352
// decisions/s (p50 44 ms) and 10 ms chunks 1,215 (p50 12 ms), the import then applying 5,300 rows/s
// instead of 8,600 (BENCHMARKS.md).
const CHUNK_TARGET_MS = 10;
const MIN_CHUNK_ROWS = 20;
const GIVE_WAY_MS = 100;

/** Yields to the event loop; on the embedded store also waits (bounded) until no request is queued on it. */
async function giveWay(db: Db): Promise<void> {
  await yieldToRequests();
  if (!db.pending) return;
  const until = Date.now() + GIVE_WAY_MS;
  while (db.pending() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
}

/**
 * The next chunk's size. On the embedded store a chunk is always sized so its transaction takes about
 * CHUNK_TARGET_MS (growing at most twofold a chunk): PGlite runs in this process and a transaction
 * holds the event loop, so every request waits for it, also those that need no statement (a cached
 * /decide, /api/health). PostgreSQL (`pending` null) takes CHUNK_ROWS.
 */
export function nextChunkRows(pending: number | null, rows: number, ms: number): number {
  if (pending === null) return CHUNK_ROWS;
  const target = Math.round((rows * CHUNK_TARGET_MS) / Math.max(ms, 1));
  return Math.max(MIN_CHUNK_ROWS, Math.min(CHUNK_ROWS, target, rows * 2));
}
const MAX_ERRORS = 1000;
/** One job run works this long, then yields and continues in the next run (the lease stays short). */
const BUDGET_MS = 20_000;

export const ImportFormat = z.enum(["csv", "json"]);
export const ImportKind = z.enum(["profiles", "catalog"]);
export type ImportKind = z.infer<typeof ImportKind>;
export type ImportFormat = z.infer<typeof ImportFormat>;

export const ImportRowError = z.object({ row: z.number().int(), message: z.string() });
export const ImportStatus = z
  .object({
    id: z.string(),
    status: z.enum(["queued", "running", "done", "failed"]),
    format: ImportFormat,
    kind: ImportKind.describe("profiles (traits) or catalog (items)"),
    source: z.string().nullable(),
    total: z.number().int(),
    done: z.number().int(),
    failed: z.number().int(),
    errors: z.array(ImportRowError),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "ImportStatus" });
export type ImportStatus = z.infer<typeof ImportStatus>;

export const JsonImportRow = z.object({
  userId: z.union([z.string().min(1).max(256), z.number().finite()]).transform(String),
  traits: z.record(z.string(), z.unknown()).default({}),
});

export type UploadProblem = { ok: false; message: string; status: 400 | 413 };

/**
 * Reads an upload as bytes within a limit: a declared Content-Length over it is refused before
 * reading, and a body that grows past it is cut off with 413 — never silently truncated.
 */
export async function readUpload(body: ReadableStream<Uint8Array> | null, limit = IMPORT_LIMIT, declaredLength?: string | null): Promise<{ ok: true; data: Buffer } | UploadProblem> {
  const declared = declaredLength ? Number(declaredLength) : NaN;
  if (Number.isFinite(declared) && declared > limit) {
    await body?.cancel().catch(() => undefined);
    return { ok: false, status: 413, message: `An import may be at most ${limit} bytes (${Math.round(limit / 1024 / 1024)} MB); this one is ${declared}` };
  }
  if (!body) return { ok: false, status: 400, message: "The upload is empty" };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, status: 413, message: `An import may be at most ${limit} bytes` };
    }
    chunks.push(value);
  }
  if (!size) return { ok: false, status: 400, message: "The upload is empty" };
  return { ok: true, data: Buffer.concat(chunks) };
}

/** csv or json, from the content type, else from the first character. */
export function detectFormat(contentType: string | null, data: Buffer): ImportFormat {
  const ct = (contentType ?? "").toLowerCase();
  if (ct.includes("json")) return "json";
  if (ct.includes("csv")) return "csv";
  const first = data.subarray(0, 64).toString("utf8").replace(/^\uFEFF/, "").trimStart()[0];
  return first === "[" ? "json" : "csv";
}

/** Stores the upload and queues its job; JSON is checked whole here (it is parsed in one piece). */
export async function createImport(db: Db, input: { data: Buffer; format: ImportFormat; kind?: ImportKind; source?: string | null; createdBy?: string }): Promise<{ ok: true; id: string } | UploadProblem> {
  let total = 0;
  if (input.format === "json") {
    if (input.data.length > JSON_IMPORT_LIMIT) return { ok: false, status: 413, message: `A JSON import may be at most ${JSON_IMPORT_LIMIT} bytes; send larger files as CSV` };
    let rows: unknown;
    try {
      rows = JSON.parse(input.data.toString("utf8"));
    } catch (err) {
      return { ok: false, status: 400, message: `The JSON is not valid: ${(err as Error).message}` };
    }
    if (!Array.isArray(rows)) return { ok: false, status: 400, message: "A JSON import is an array of {userId, traits}" };
    total = rows.length;
  }
  const id = randomUUID();
  await db.tx(async (sql) => {
    await sql.query(`INSERT INTO imports (id, status, format, source, total, created_by, data, kind) VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7)`, [
      id,
      input.format,
      input.source ?? null,
      total,
      input.createdBy ?? null,
      input.data,
      input.kind ?? "profiles",
    ]);
    await enqueue(sql, { queue: "import", key: `import:${id}`, payload: { importId: id }, maxAttempts: 5 });
  });
  return { ok: true, id };
}

type ImportRow = { id: string; status: string; format: ImportFormat; kind: ImportKind; source: string | null; total: number; done: number; failed: number; errors: ImportStatus["errors"]; created_at: Date; finished_at: Date | null };

const view = (r: ImportRow): ImportStatus => ({
  id: r.id,
  status: r.status as ImportStatus["status"],
  format: r.format,
  kind: r.kind ?? "profiles",
  source: r.source,
  total: r.total,
  done: r.done,
  failed: r.failed,
  errors: r.errors ?? [],
  createdAt: r.created_at.toISOString(),
  finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
});

const COLUMNS = `id, status, format, kind, source, total, done, failed, errors, created_at, finished_at`;

export async function getImport(sql: Sql, id: string): Promise<ImportStatus | null> {
  const rows = await sql.query<ImportRow>(`SELECT ${COLUMNS} FROM imports WHERE id = $1`, [id]);
  return rows[0] ? view(rows[0]) : null;
}

export async function listImports(sql: Sql, limit = 20): Promise<ImportStatus[]> {
  const rows = await sql.query<ImportRow>(
    `SELECT id, status, format, kind, source, total, done, failed, (SELECT coalesce(jsonb_agg(e), '[]') FROM (SELECT e FROM jsonb_array_elements(errors) e LIMIT 5) s) AS errors, created_at, finished_at
       FROM imports ORDER BY created_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map(view);
}

/**
 * A CSV cell as a trait value: an empty cell leaves the trait alone (undefined), the text `null`
 * removes it, true/false become booleans, plain decimal numbers become numbers (but not ones with a
 * leading zero such as zip codes, nor ones too long to be exact), everything else stays text.
 */
export function coerceCell(raw: string): unknown {
  const v = raw.trim();
  if (v === "") return undefined;
  if (v === "null") return null;
  if (v === "true" || v === "TRUE" || v === "True") return true;
  if (v === "false" || v === "FALSE" || v === "False") return false;
  if (/^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(v)) return Number(v);
  return v;
}

const USER_ID_COLUMNS = new Set(["userid", "user_id"]);

type Row = { row: number; userId: string | null; traits: Record<string, unknown>; item?: CatalogItemInput; error?: string };

const ITEM_COLUMNS = new Set(["id", "name", "url", "image", "price", "category"]);

/** A catalog CSV row: the item's own columns (`product_id` names the id too), every other column an attribute. */
function catalogRow(record: Record<string, string>, row: number): Row {
  const given: Record<string, unknown> = dict();
  const attributes: Record<string, unknown> = dict();
  for (const [col, cell] of Object.entries(record)) {
    const name = col.trim();
    if (!name || cell === undefined) continue;
    const key = name.toLowerCase() === "product_id" ? "id" : name.toLowerCase();
    if (ITEM_COLUMNS.has(key)) {
      const v = cell.trim();
      if (v === "") continue;
      given[key] = key === "price" ? (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v) : v;
    } else {
      const v = coerceCell(cell);
      if (v !== undefined) attributes[name] = v;
    }
  }
  if (Object.keys(attributes).length) given.attributes = attributes;
  const p = CatalogItemInput.safeParse(given);
  if (!p.success) return { row, userId: null, traits: {}, error: p.error.issues.map((i) => `${i.path.join(".") || "(row)"}: ${i.message}`).join("; ") };
  if (UNSTORABLE.test(JSON.stringify(p.data))) return { row, userId: null, traits: {}, error: "The row holds text that cannot be stored (a NUL character or broken UTF-16)" };
  return { row, userId: null, traits: {}, item: p.data };
}

function csvRow(record: Record<string, string>, row: number): Row {
  let userId: string | null = null;
  const traits: Record<string, unknown> = dict();
  for (const [col, cell] of Object.entries(record)) {
    if (USER_ID_COLUMNS.has(col.trim().toLowerCase())) {
      userId = (cell ?? "").trim() || null;
      continue;
    }
    const name = col.trim();
    if (!name || cell === undefined) continue;
    const v = coerceCell(cell);
    if (v !== undefined) traits[name] = v;
  }
  if (!userId) return { row, userId: null, traits, error: "The userId is empty" };
  if (userId.length > 256) return { row, userId: null, traits, error: "The userId is longer than 256 characters" };
  return { row, userId, traits };
}

function jsonRow(value: unknown, row: number): Row {
  const p = JsonImportRow.safeParse(value);
  if (!p.success) return { row, userId: null, traits: {}, error: p.error.issues.map((i) => `${i.path.join(".") || "(row)"}: ${i.message}`).join("; ") };
  // Keep a "__proto__" trait as given (zod's record drops that key).
  const given = (value as { traits?: unknown }).traits;
  const traits = given && typeof given === "object" && !Array.isArray(given) ? dict(given as Record<string, unknown>) : p.data.traits;
  return { row, userId: p.data.userId, traits };
}

/**
 * The checks every message passes (docs/api.md §3, §4), applied to an imported row: text PostgreSQL can
 * store, and at most 32 KB — one oversized trait would otherwise slow every later event of that user.
 */
function checkRow(r: Row): Row {
  if (r.error || r.userId === null) return r;
  const text = JSON.stringify({ userId: r.userId, traits: r.traits });
  if (UNSTORABLE.test(r.userId) || hasUnstorable(r.traits)) {
    return { ...r, error: "The row holds text that cannot be stored (a NUL character or broken UTF-16)" };
  }
  if (Buffer.byteLength(text, "utf8") > MESSAGE_LIMIT) return { ...r, error: `The row is larger than 32 KB (${MESSAGE_LIMIT} bytes), the limit of one message` };
  return r;
}

function hasUnstorable(v: unknown): boolean {
  if (typeof v === "string") return UNSTORABLE.test(v);
  if (Array.isArray(v)) return v.some(hasUnstorable);
  if (v && typeof v === "object") return Object.entries(v).some(([k, x]) => UNSTORABLE.test(k) || hasUnstorable(x));
  return false;
}

async function* readData(sql: Sql, id: string): AsyncGenerator<Buffer> {
  for (let offset = 1; ; offset += READ_BYTES) {
    const [r] = await sql.query<{ part: Uint8Array | null }>(`SELECT substring(data FROM $2 FOR $3) AS part FROM imports WHERE id = $1`, [id, offset, READ_BYTES]);
    if (!r?.part || r.part.length === 0) return;
    yield Buffer.from(r.part);
    if (r.part.length < READ_BYTES) return;
  }
}

function csvRecords(sql: Sql, id: string): AsyncIterable<Record<string, string>> {
  const parser = parse({ columns: (header: string[]) => header.map((h) => h.trim()), bom: true, skip_empty_lines: true, relax_column_count: true, trim: false });
  return Readable.from(readData(sql, id)).pipe(parser);
}

async function* rows(db: Db, id: string, format: ImportFormat, kind: ImportKind): AsyncGenerator<Row> {
  if (kind === "catalog") {
    let n = 0;
    for await (const record of csvRecords(db.sql, id)) yield catalogRow(record, ++n);
    return;
  }
  if (format === "csv") {
    let n = 0;
    for await (const record of csvRecords(db.sql, id)) yield checkRow(csvRow(record, ++n));
    return;
  }
  const chunks: Buffer[] = [];
  for await (const c of readData(db.sql, id)) chunks.push(c);
  const list = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown[];
  for (let i = 0; i < list.length; i++) yield checkRow(jsonRow(list[i], i + 1));
}

async function countCsv(sql: Sql, id: string): Promise<number> {
  let n = 0;
  for await (const record of csvRecords(sql, id)) {
    void record;
    if (++n % 5000 === 0) await yieldToRequests();
  }
  return n;
}

const toMessage = (id: string, now: Date) => (r: Row, i: number): Message => ({
  type: "identify",
  userId: r.userId,
  anonymousId: null,
  previousId: null,
  name: "Identify",
  properties: {},
  traits: r.traits,
  context: {},
  timestamp: now,
  messageId: `import-${id}-${r.row}`,
  index: i,
});

/** PostgreSQL refused the data itself (class 22: data exception; 23: integrity), not the moment. */
const isDataError = (err: unknown) => /^2[23]/.test(String((err as { code?: unknown }).code ?? ""));

async function applyChunk(db: Db, id: string, chunk: Row[], kind: ImportKind) {
  let good = chunk.filter((r) => !r.error);
  const bad = chunk.filter((r) => r.error).map((r) => ({ row: r.row, message: r.error! }));
  if (good.length && kind === "catalog") {
    await upsertItems(db.sql, good.map((r) => r.item!));
  } else if (good.length) {
    const now = new Date();
    try {
      await ingest(db, good.map(toMessage(id, now)), { storeEvents: false, runFlows: false, receivedAt: now });
    } catch (err) {
      if (!isDataError(err)) throw err;
      // Something in the chunk was refused: apply its rows one by one and report the ones refused,
      // so one bad row never holds back the rest (nor jams the import in retries).
      const applied: Row[] = [];
      for (const r of good) {
        try {
          await ingest(db, [toMessage(id, now)(r, 0)], { storeEvents: false, runFlows: false, receivedAt: now });
          applied.push(r);
        } catch (e) {
          if (!isDataError(e)) throw e;
          bad.push({ row: r.row, message: `The row could not be stored: ${(e as Error).message}` });
        }
      }
      good = applied;
      bad.sort((a, b) => a.row - b.row);
    }
  }
  await db.sql.query(
    `UPDATE imports SET done = done + $2, failed = failed + $3,
            errors = CASE WHEN jsonb_array_length(errors) >= $5 THEN errors ELSE errors || $4::jsonb END
      WHERE id = $1`,
    [id, good.length, bad.length, JSON.stringify(bad.slice(0, MAX_ERRORS)), MAX_ERRORS],
  );
}

/**
 * The job ran out of attempts (the database kept refusing, a worker kept dying): the import ends
 * `failed` with the reason, rather than staying `running` with no word. Rows applied so far stay.
 */
export async function handleImportExhausted(job: Job, error: string, ctx: { db: Db }): Promise<void> {
  const id = String((job.payload as { importId?: string }).importId ?? "");
  await ctx.db.sql.query(
    `UPDATE imports SET status = 'failed', finished_at = now(), data = NULL,
            errors = errors || jsonb_build_array(jsonb_build_object('row', done + failed + 1, 'message', $2::text))
      WHERE id = $1 AND status IN ('queued', 'running')`,
    [id, `The import stopped after ${job.attempts} attempts: ${error.slice(0, 500)}`],
  );
}

/** The "import" job: resumes after the rows already counted, yields after BUDGET_MS. */
export async function handleImportJob(job: Job, ctx: { db: Db }): Promise<JobResult> {
  const { db } = ctx;
  const id = String((job.payload as { importId?: string }).importId ?? "");
  const [imp] = await db.sql.query<{ status: string; format: ImportFormat; kind: ImportKind; total: number; done: number; failed: number; has_data: boolean }>(
    `SELECT status, format, kind, total, done, failed, data IS NOT NULL AS has_data FROM imports WHERE id = $1`,
    [id],
  );
  if (!imp || imp.status === "done" || imp.status === "failed" || !imp.has_data) return;
  const started = Date.now();
  try {
    if (imp.status === "queued") {
      const total = imp.format === "csv" ? await countCsv(db.sql, id) : imp.total;
      await db.sql.query(`UPDATE imports SET status = 'running', total = $2 WHERE id = $1`, [id, total]);
    }
    const skip = imp.done + imp.failed;
    let chunk: Row[] = [];
    let chunkRows = db.pending ? 100 : CHUNK_ROWS;
    for await (const r of rows(db, id, imp.format, imp.kind)) {
      if (r.row <= skip) continue;
      chunk.push(r);
      if (chunk.length >= chunkRows) {
        const t = performance.now();
        await applyChunk(db, id, chunk, imp.kind);
        chunkRows = nextChunkRows(db.pending ? db.pending() : null, chunk.length, performance.now() - t);
        chunk = [];
        await giveWay(db);
        if (Date.now() - started > BUDGET_MS) return { retryAt: new Date() };
      }
    }
    if (chunk.length) await applyChunk(db, id, chunk, imp.kind);
    await db.sql.query(`UPDATE imports SET status = 'done', finished_at = now(), data = NULL, total = GREATEST(total, done + failed) WHERE id = $1`, [id]);
  } catch (err) {
    // A file that cannot be parsed any further fails the import; the rows before it stay applied.
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown }).code;
    if ((typeof code === "string" && code.startsWith("CSV_")) || err instanceof SyntaxError) {
      await db.sql.query(
        `UPDATE imports SET status = 'failed', finished_at = now(), data = NULL, errors = errors || $2::jsonb WHERE id = $1`,
        [id, JSON.stringify([{ row: imp.done + imp.failed + 1, message: `The file could not be read further: ${message}` }])],
      );
      return;
    }
    throw err;
  }
}
