// Reading broker deliveries (pure), keeping bodies, sealing credentials, hiding passwords.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keepBody, parseDelivery } from "./process";
import { seal, unseal } from "./seal";
import { redactUrl } from "./config";
import { natsOptions } from "./nats";
import { AckBatcher } from "./rabbitmq";

const at = new Date("2026-01-01T00:00:00Z");
const parse = (body: string | Buffer, id = "nats:S:7") => parseDelivery(typeof body === "string" ? Buffer.from(body) : body, id, at);

describe("parseDelivery", () => {
  it("reads one message or a batch, naming messages without an id after the delivery", () => {
    const one = parse(JSON.stringify({ type: "track", userId: "u", event: "E" }));
    expect(one.ok && one.messages.map((m) => m.messageId)).toEqual(["nats:S:7"]);
    const kept = parse(JSON.stringify({ type: "identify", userId: "u", traits: {}, messageId: "mine" }));
    expect(kept.ok && kept.messages[0].messageId).toBe("mine");
    const batch = parse(JSON.stringify({ batch: [{ type: "track", userId: "u", event: "A" }, { type: "page", anonymousId: "a", name: "Home", messageId: "p1" }] }));
    expect(batch.ok && batch.messages.map((m) => [m.name, m.messageId])).toEqual([["A", "nats:S:7#0"], ["Page Viewed", "p1"]]);
  });

  it("names what is wrong with a poison message", () => {
    expect(parse("{oops")).toMatchObject({ ok: false, reason: "bad_json" });
    expect(parse("")).toMatchObject({ ok: false, reason: "bad_json" });
    expect(parse(Buffer.alloc(2 * 1024 * 1024, "x"))).toMatchObject({ ok: false, reason: "too_large" });
    expect(parse(JSON.stringify({ type: "track", userId: "u", event: "E", properties: { big: "x".repeat(40_000) } }))).toMatchObject({ ok: false, reason: "too_large" });
    expect(parse("[1]")).toMatchObject({ ok: false, reason: "validation" });
    expect(parse(JSON.stringify({ type: "fly", userId: "u" }))).toMatchObject({ ok: false, reason: "validation" });
    expect(parse(JSON.stringify({ type: "track", event: "E" }))).toMatchObject({ ok: false, reason: "validation", details: [{ path: "userId" }] });
    expect(parse(JSON.stringify({ batch: [{ type: "track", userId: "u", event: "E" }, { type: "track", userId: "u" }] }))).toMatchObject({ ok: false, reason: "validation", details: [{ path: "batch.1.event" }] });
    expect(parse('{"type":"track","userId":"u","event":"E\\u0000"}')).toMatchObject({ ok: false, reason: "validation" });
  });
});

describe("keepBody", () => {
  it("keeps text as text, binary as base64, and only the beginning of a huge body", () => {
    expect(keepBody(Buffer.from('{"a":1}'))).toEqual({ body: '{"a":1}', encoding: "utf8", truncated: false });
    const bin = Buffer.from([0xff, 0x00, 0x41]);
    expect(keepBody(bin)).toEqual({ body: bin.toString("base64"), encoding: "base64", truncated: false });
    const big = keepBody(Buffer.alloc(2 * 1024 * 1024, "x"));
    expect(big.truncated).toBe(true);
    expect(big.body.length).toBe(64 * 1024);
  });
});

describe("credentials", () => {
  it("seals with AES-GCM: opens with the key, refuses another key or an altered text", () => {
    const key = randomBytes(32);
    const sealed = seal(key, "amqp://user:s3cret@host/vh");
    expect(sealed).not.toContain("s3cret");
    expect(unseal(key, sealed)).toBe("amqp://user:s3cret@host/vh");
    expect(() => unseal(randomBytes(32), sealed)).toThrow();
    const parts = sealed.split(".");
    parts[3] = Buffer.from("amqp://user:other@host/vh").toString("base64url");
    expect(() => unseal(key, parts.join("."))).toThrow();
  });

  it("hides passwords and tokens in URLs shown back", () => {
    expect(redactUrl("amqp://guest:guest@127.0.0.1:5672/vh")).toBe("amqp://guest:****@127.0.0.1:5672/vh");
    expect(redactUrl("nats://t0ken@127.0.0.1:4222")).toBe("nats://****@127.0.0.1:4222");
    expect(redactUrl("nats://127.0.0.1:4222")).toBe("nats://127.0.0.1:4222");
    expect(natsOptions("nats://u:p%40ss@h:4223")).toMatchObject({ servers: "h:4223", user: "u", pass: "p@ss" });
    expect(natsOptions("nats://tok@h")).toMatchObject({ servers: "h:4222", token: "tok" });
  });
});

describe("AckBatcher", () => {
  it("acknowledges up to the last delivery whose predecessors are all stored, in one call", async () => {
    const acked: number[] = [];
    const b = new AckBatcher((tag) => acked.push(tag));
    for (const t of [1, 2, 3, 4, 5]) b.received(t);
    b.done(2);
    b.done(3);
    await new Promise((r) => setImmediate(r));
    expect(acked).toEqual([]); // 1 is still in work
    b.done(1);
    b.done(5);
    await new Promise((r) => setImmediate(r));
    expect(acked).toEqual([3]);
    b.done(4);
    await new Promise((r) => setImmediate(r));
    expect(acked).toEqual([3, 5]);
  });
});
