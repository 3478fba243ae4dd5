// Reads a request body as text or JSON within a byte limit: 413 past the limit, 400 for malformed
// JSON. A gzip (or deflate) body is inflated with the limit applied to the inflated size, and the
// inflation stops as soon as the limit is passed, so a decompression bomb costs at most the limit.
import { promisify } from "node:util";
import zlib from "node:zlib";
import { ApiError, badRequest, tooLarge } from "./errors";

export const KB = 1024;

const unzip = promisify(zlib.unzip);

/** How the body is encoded: null for none, else the one compression we inflate. */
function contentEncoding(req: Request): "gzip" | "deflate" | null {
  const raw = (req.headers.get("content-encoding") ?? "").trim().toLowerCase();
  if (raw === "" || raw === "identity") return null;
  if (raw === "gzip" || raw === "x-gzip") return "gzip";
  if (raw === "deflate") return "deflate";
  throw new ApiError(415, "unsupported_encoding", `Content-Encoding "${raw.slice(0, 40)}" is not supported; send gzip, deflate or an uncompressed body`, [{ path: "content-encoding", message: "Expected gzip, deflate or identity" }]);
}

/** The compressed body may be a little larger than its content (incompressible data gains a few bytes). */
const compressedLimit = (limit: number) => limit + Math.ceil(limit / 100) + KB;

async function readBytes(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  // The data plane read the bytes already (lib/dataplane/server.ts): no web stream to go through.
  const preread = (req as unknown as { preread?: Buffer | null }).preread;
  if (preread !== undefined) {
    if (preread === null) return Buffer.alloc(0);
    if (preread.length > limit) throw tooLarge(limit);
    return preread;
  }
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Inflates at most limit + 1 bytes: zlib stops (and errors) as soon as its output passes that. */
export async function inflate(data: Buffer, limit: number): Promise<Buffer> {
  try {
    return await unzip(data, { maxOutputLength: limit + 1 });
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) throw tooLarge(limit);
    throw badRequest(`The compressed body could not be inflated: ${(err as Error).message}`, [{ path: "(body)", message: "Not a valid gzip or deflate stream" }], "invalid_encoding");
  }
}

export async function readText(req: Request, limit: number): Promise<string> {
  const encoding = contentEncoding(req);
  if (!encoding) return (await readBytes(req, limit)).toString("utf8");
  const compressed = await readBytes(req, compressedLimit(limit));
  if (compressed.length === 0) return "";
  const text = await inflate(compressed, limit);
  if (text.length > limit) throw tooLarge(limit);
  return text.toString("utf8");
}

export async function readJson(req: Request, limit = 1024 * KB): Promise<unknown> {
  const text = await readText(req, limit);
  if (text.trim() === "") throw badRequest("The request body is empty; send a JSON object", [], "invalid_json");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badRequest(`The request body is not valid JSON: ${(err as Error).message}`, [], "invalid_json");
  }
  assertStorableText(text, value);
  return value;
}

// A NUL, or half of a surrogate pair with no other half: text PostgreSQL cannot store.
export const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (or key) PostgreSQL could not store, or null. */
function unstorablePath(value: unknown, path: string[] = []): string | null {
  if (typeof value === "string") return UNSTORABLE.test(value) ? path.join(".") || "(body)" : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = unstorablePath(value[i], [...path, String(i)]);
      if (p) return p;
    }
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (UNSTORABLE.test(k)) return [...path, JSON.stringify(k).slice(1, -1)].join(".");
      const p = unstorablePath(v, [...path, k]);
      if (p) return p;
    }
  }
  return null;
}

/** Deeper than this, a body is refused: recursion over it (JSON.stringify, validation, jsonb) would overflow the stack. */
export const MAX_NESTING = 128;

/** How deeply the JSON text nests arrays and objects; brackets inside strings do not count. */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * PostgreSQL cannot store NUL or a lone surrogate in text or jsonb, so a string holding one is a field
 * of the wrong shape (400), not a failed insert (500). JSON can only carry them as \u escapes, so the
 * walk runs only when the text has such an escape. The nesting scan is one pass over the text.
 */
export function assertStorableText(text: string, value: unknown) {
  if (text.length > MAX_NESTING * 2 && nestingDepth(text) > MAX_NESTING) {
    throw badRequest(`The body nests objects and arrays more than ${MAX_NESTING} levels deep`, [{ path: "(body)", message: `Nested more than ${MAX_NESTING} levels`, code: "too_deep" }]);
  }
  if (!/\\u(?:0000|[dD][89a-fA-F])/.test(text)) return;
  const at = unstorablePath(value);
  if (at) throw badRequest(`${at}: text may not contain NUL characters or unpaired surrogates`, [{ path: at, message: "Text may not contain NUL characters or unpaired surrogates", code: "invalid_string" }]);
}
