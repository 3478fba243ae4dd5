// Body reading: limits, malformed JSON, and text PostgreSQL cannot store refused as 400 with its path.
import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { assertStorableText, MAX_NESTING, readJson } from "./body";

const req = (text: string) => new Request("http://x/", { method: "POST", body: text });
const fails = async (text: string, limit?: number) => {
  try {
    await readJson(req(text), limit);
  } catch (err) {
    return err as ApiError;
  }
  throw new Error("no error");
};

describe("readJson", () => {
  it("parses JSON, keeps valid surrogate pairs, and refuses malformed or oversized bodies", async () => {
    expect(await readJson(req('{"a":"\\ud83d\\ude00","b":[1]}'))).toEqual({ a: "😀", b: [1] });
    expect((await fails("{")).status).toBe(400);
    expect((await fails("")).status).toBe(400);
    expect((await fails('{"a":"xxxxxxxx"}', 8)).status).toBe(413);
  });

  it("refuses NUL and unpaired surrogates with the field's path", async () => {
    const nul = await fails('{"a":{"b":["ok","x\\u0000"]}}');
    expect(nul.status).toBe(400);
    expect(nul.details).toEqual([expect.objectContaining({ path: "a.b.1" })]);
    expect((await fails('{"name":"\\ud800"}')).details).toEqual([expect.objectContaining({ path: "name" })]);
    expect((await fails('{"name":"\\udc00x"}')).details).toEqual([expect.objectContaining({ path: "name" })]);
    expect((await fails('{"k\\u0000":1}')).details).toEqual([expect.objectContaining({ path: "k\\u0000" })]);
    expect((await fails('"\\u0000"')).details).toEqual([expect.objectContaining({ path: "(body)" })]);
  });

  it("lets the literal text \\u0000 (an escaped backslash) through", async () => {
    expect(await readJson(req('{"a":"\\\\u0000"}'))).toEqual({ a: "\\u0000" });
    expect(() => assertStorableText('{"a":"\\\\u0000"}', { a: "\\u0000" })).not.toThrow();
  });

  it("refuses bodies nested deeper than MAX_NESTING with 400 (they overflowed the stack: a 500)", async () => {
    const deep = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);
    expect((await fails(deep(5000))).status).toBe(400);
    expect((await fails(`[${"[".repeat(MAX_NESTING)}${"]".repeat(MAX_NESTING)}]`)).status).toBe(400);
    expect(await readJson(req(deep(MAX_NESTING)))).toBeTypeOf("object");
    // Brackets inside strings are text, not nesting.
    expect(await readJson(req(JSON.stringify({ s: "{[".repeat(1000) })))).toEqual({ s: "{[".repeat(1000) });
  });
});
