// Body reading: limits, malformed JSON, and text PostgreSQL cannot store refused as 400 with its path.
import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import zlib from "node:zlib";
import { assertStorableText, MAX_NESTING, readJson, readText } from "./body";

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

describe("compressed bodies", () => {
  const gz = (text: string | Buffer, encoding = "gzip") =>
    new Request("http://x/", { method: "POST", headers: { "content-encoding": encoding }, body: zlib.gzipSync(text) });
  const refused = async (r: Request, limit = 1024) => {
    try {
      await readText(r, limit);
    } catch (err) {
      return err as ApiError;
    }
    throw new Error("no error");
  };

  it("inflates gzip and deflate bodies", async () => {
    expect(await readJson(gz('{"a":1}'))).toEqual({ a: 1 });
    expect(await readJson(gz('{"a":2}', "x-gzip"))).toEqual({ a: 2 });
    const deflated = new Request("http://x/", { method: "POST", headers: { "content-encoding": "deflate" }, body: zlib.deflateSync('{"b":1}') });
    expect(await readJson(deflated)).toEqual({ b: 1 });
  });

  it("applies the limit to the inflated size", async () => {
    const text = JSON.stringify({ a: "x".repeat(2000) });
    expect(zlib.gzipSync(text).length).toBeLessThan(1024);
    expect((await refused(gz(text))).status).toBe(413);
    expect(await readText(gz(text), 4096)).toBe(text);
  });

  it("stops inflating a bomb at the limit: a stream broken only at its end is refused as too large, not as broken", async () => {
    // 64 MB of zeros, whose trailing checksum is wrong: inflating it all would reach the bad checksum (400).
    const bomb = Buffer.from(zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024)));
    bomb[bomb.length - 8] ^= 0xff;
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(await readText(gz(Buffer.alloc(0)), 1024)).toBe(""); // an empty gzip stream is an empty body
    const r = new Request("http://x/", { method: "POST", headers: { "content-encoding": "gzip" }, body: bomb });
    const err = await refused(r, 500 * 1024);
    expect(err.status).toBe(413);
    // The same broken stream under a limit it fits in is inflated to the end and found broken.
    const small = Buffer.from(zlib.gzipSync(Buffer.alloc(4096)));
    small[small.length - 8] ^= 0xff;
    const broken = await refused(new Request("http://x/", { method: "POST", headers: { "content-encoding": "gzip" }, body: small }), 500 * 1024);
    expect(broken.status).toBe(400);
  });

  it("refuses compressed garbage (400) and unknown encodings (415)", async () => {
    const garbage = await refused(new Request("http://x/", { method: "POST", headers: { "content-encoding": "gzip" }, body: "not gzip at all" }));
    expect(garbage.status).toBe(400);
    expect(garbage.code).toBe("invalid_encoding");
    const truncated = zlib.gzipSync('{"a":"' + "y".repeat(300) + '"}').subarray(0, 20);
    expect((await refused(new Request("http://x/", { method: "POST", headers: { "content-encoding": "gzip" }, body: truncated }))).status).toBe(400);
    const br = await refused(new Request("http://x/", { method: "POST", headers: { "content-encoding": "br" }, body: "x" }));
    expect(br.status).toBe(415);
  });
});
