// Reads a request body as JSON within a byte limit: 413 past the limit, 400 for malformed JSON.
import { badRequest, tooLarge } from "./errors";

export const KB = 1024;

export async function readText(req: Request, limit: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!req.body) return "";
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
  return Buffer.concat(chunks).toString("utf8");
}

export async function readJson(req: Request, limit = 1024 * KB): Promise<unknown> {
  const text = await readText(req, limit);
  if (text.trim() === "") throw badRequest("The request body is empty; send a JSON object", [], "invalid_json");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`The request body is not valid JSON: ${(err as Error).message}`, [], "invalid_json");
  }
}
