// The fetch node at run time, run on PGlite and on PostgreSQL: a real
// HTTP receiver that counts its calls, real fetch jobs through the worker's queue, the cache in the
// database, and every kind of bad answer taking `failed` with its reason in the explain trace.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { clearFlowCache } from "./flow-cache";
import { decide } from "./decide";
import { listRunsWithSteps } from "./explain";
import { MAX_RESPONSE_BYTES } from "./webhook";
import { ingest, publish, runWorkerUntil, seedProfile } from "@/lib/testing/runtime";
import { STORES } from "@/lib/testing/db";

function node(id: string, type: string, data: Record<string, unknown>) {
  return { id, type, position: { x: 0, y: 0 }, data };
}
function edge(source: string, target: string, sourceHandle?: string) {
  return { id: `${source}-${target}-${sourceHandle ?? "next"}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) };
}
const trigger = (id: string, event: string) => node(id, "trigger", { on: { type: "event", event } });
const inApp = (id: string, placement: string, content: string) => node(id, "message", { channel: "in_app", placement, content });

function fetchSuite(label: string, open: () => Promise<Db>) {
  describe(`fetch node on ${label}`, () => {
    let db: Db;
    let receiver: http.Server;
    let base = "";
    const calls: { path: string; method: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

    beforeAll(async () => {
      process.env.PATHWISE_WEBHOOK_ALLOWLIST = "127.0.0.1";
      db = await open();
      receiver = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const url = new URL(req.url ?? "/", "http://x");
          calls.push({ path: req.url ?? "/", method: req.method ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
          const json = (status: number, value: unknown) => {
            res.writeHead(status, { "content-type": "application/json" });
            res.end(JSON.stringify(value));
          };
          switch (url.pathname) {
            case "/tutorial": {
              const level = url.searchParams.get("level");
              return json(200, { title: `${url.searchParams.get("role")} tour`, level });
            }
            case "/echo":
              return json(200, { method: req.method, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") });
            case "/html":
              res.writeHead(200, { "content-type": "text/html" });
              return res.end("<html>maintenance</html>");
            case "/big":
              return json(200, { blob: "x".repeat(MAX_RESPONSE_BYTES * 2) });
            case "/redirect":
              res.writeHead(302, { location: `${base}/tutorial?role=x` });
              return res.end();
            case "/down":
              return json(503, { error: "down" });
            case "/hang":
              return; // never answers
            default:
              return json(404, {});
          }
        });
      });
      await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
      base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      delete process.env.PATHWISE_WEBHOOK_ALLOWLIST;
      receiver.closeAllConnections();
      await new Promise((r) => receiver.close(r));
      await db.close();
    });

    beforeEach(() => clearFlowCache());

    const content = async (userId: string, placement: string) => (await decide(db.sql, { userId, placements: [placement] })).decisions[placement]?.content ?? null;

    it("calls the API once, keeps the answer in the run across a wait, and a warm cache makes no call", async () => {
      //   t1 ──▶ f1 {GET /tutorial?role=..&level=.. as tut, cacheFor PT1H} ──▶ c1 {data tut.level eq beginner} ──yes──▶ w1 (PT1S) ──▶ m1 "{{ data.tut.title }}"
      //                                                                  └─failed─▶ m2
      await publish(db, "Onboarding fetch", {
        nodes: [
          trigger("t1", "Onboard F"),
          node("f1", "fetch", { url: `${base}/tutorial?role={{ user.role | url_encode }}&level={{ user.level }}`, as: "tut", cacheFor: "PT1H", headers: { "X-Who": "{{ user.id }}" } }),
          node("c1", "condition", { if: { data: "tut.level", op: "eq", value: "beginner" } }),
          node("w1", "wait", { for: "PT1S" }),
          inApp("m1", "onboard", "Start with {{ data.tut.title }}"),
          inApp("m2", "onboard", "Browse tutorials"),
        ],
        edges: [edge("t1", "f1"), edge("f1", "c1"), edge("f1", "m2", "failed"), edge("c1", "w1", "yes"), edge("w1", "m1")],
      });
      const before = calls.length;
      const a = await seedProfile(db, "fetch-a", { role: "analyst", level: "beginner" });
      await ingest(db, a, [{ name: "Onboard F" }]);
      // The call is a durable job, not part of ingestion.
      expect(calls.length).toBe(before);
      expect(await db.sql.query(`SELECT 1 FROM jobs WHERE queue = 'fetch' AND profile_id = $1`, [a])).toHaveLength(1);
      expect(await runWorkerUntil(db, async () => (await content("fetch-a", "onboard")) !== null, 8000)).toBe(true);
      expect(await content("fetch-a", "onboard")).toBe("Start with analyst tour");
      expect(calls.slice(before)).toHaveLength(1);
      expect(calls[before]).toMatchObject({ path: "/tutorial?role=analyst&level=beginner", method: "GET" });
      expect(calls[before].headers["x-who"]).toBe("fetch-a");
      const [runA] = await listRunsWithSteps(db.sql, a);
      expect(runA.steps.map((s) => `${s.nodeId}:${s.result}`)).toEqual(["t1:next", "f1:fetching", "f1:next", "c1:yes", "w1:waiting", "w1:next", "m1:sent"]);
      expect(runA.steps[2].reason).toMatchObject({ fetch: { as: "tut", status: 200, cached: false } });
      const [state] = await db.sql.query<{ state: { data: Record<string, unknown>; stateVersion: number } }>(`SELECT state FROM runs WHERE profile_id = $1`, [a]);
      expect(state.state.data).toEqual({ tut: { title: "analyst tour", level: "beginner" } });
      expect(state.state.stateVersion).toBe(2);

      // Another user making the same request: answered by the cache, no call.
      const b = await seedProfile(db, "fetch-b", { role: "analyst", level: "beginner" });
      // Same rendered request only if the headers match too: this user's X-Who differs, so use a header-free copy.
      await publish(db, "Onboarding fetch shared", {
        nodes: [
          trigger("t1", "Onboard S"),
          node("f1", "fetch", { url: `${base}/tutorial?role={{ user.role | url_encode }}&level={{ user.level }}`, as: "tut", cacheFor: "PT1H" }),
          inApp("m1", "shared", "{{ data.tut.title }}"),
        ],
        edges: [edge("t1", "f1"), edge("f1", "m1")],
      });
      const mid = calls.length;
      await ingest(db, a, [{ name: "Onboard S" }]);
      expect(await runWorkerUntil(db, async () => (await content("fetch-a", "shared")) !== null, 5000)).toBe(true);
      expect(calls.length).toBe(mid + 1);
      await ingest(db, b, [{ name: "Onboard S" }]);
      expect(await runWorkerUntil(db, async () => (await content("fetch-b", "shared")) !== null, 5000)).toBe(true);
      expect(await content("fetch-b", "shared")).toBe("analyst tour");
      expect(calls.length).toBe(mid + 1);
      const [runB] = await listRunsWithSteps(db.sql, b);
      expect(runB.steps.find((s) => s.nodeId === "f1" && !s.entered)?.reason).toMatchObject({ fetch: { cached: true, status: 200 } });
      const cached = await db.sql.query<{ url: string; expires_at: Date }>(`SELECT url, expires_at FROM fetch_cache WHERE url LIKE $1`, [`${base}/tutorial%`]);
      expect(cached.length).toBeGreaterThanOrEqual(1);
      expect(cached.every((c) => c.expires_at.getTime() > Date.now() + 3_000_000)).toBe(true);
    });

    it("posts the rendered body and reads the answer in a later template", async () => {
      await publish(db, "Fetch post", {
        nodes: [
          trigger("t1", "Post F"),
          node("f1", "fetch", { url: `${base}/echo`, method: "POST", body: '{"user":"{{ user.id }}","n":{{ event.properties.n }}}', as: "echo" }),
          inApp("m1", "post", "{{ data.echo.method }} {{ data.echo.body.user }} {{ data.echo.body.n }}"),
        ],
        edges: [edge("t1", "f1"), edge("f1", "m1")],
      });
      const p = await seedProfile(db, "fetch-post");
      await ingest(db, p, [{ name: "Post F", properties: { n: 7 } }]);
      expect(await runWorkerUntil(db, async () => (await content("fetch-post", "post")) !== null, 5000)).toBe(true);
      expect(await content("fetch-post", "post")).toBe("POST fetch-post 7");
      expect(calls.find((c) => c.path === "/echo")?.headers["content-type"]).toBe("application/json");
    });

    it("takes failed with the reason for every bad answer: not JSON, over the cap, timeout, redirect, non-2xx, private address", async () => {
      //   t1 ──▶ f1 {GET {{ user.target }}, timeout PT3S} ──next──▶ m1 "ok"
      //                                               └─failed─▶ m2 "failed"
      await publish(db, "Fetch failures", {
        nodes: [
          trigger("t1", "Fail F"),
          // The receiver shares the test's event loop with the database: a timeout with room for it.
          node("f1", "fetch", { url: "{{ user.target }}", as: "x", timeout: "PT3S", cacheFor: "PT1H" }),
          inApp("m1", "fail", "ok"),
          inApp("m2", "fail", "failed"),
        ],
        edges: [edge("t1", "f1"), edge("f1", "m1"), edge("f1", "m2", "failed")],
      });
      const cases: [string, string, RegExp][] = [
        ["html", `${base}/html`, /not JSON/],
        ["big", `${base}/big`, new RegExp(`larger than ${MAX_RESPONSE_BYTES} bytes`)],
        ["hang", `${base}/hang`, /No answer within 3000 ms/],
        ["redirect", `${base}/redirect`, /HTTP 302 \(redirects are not followed\)/],
        ["down", `${base}/down`, /HTTP 503/],
        ["private", "http://10.11.12.13/x", /Refused to send to 10\.11\.12\.13/],
        ["scheme", "file:///etc/passwd", /Only http and https/],
      ];
      const ids: string[] = [];
      for (const [name, target] of cases) {
        const p = await seedProfile(db, `fetch-fail-${name}`, { target });
        ids.push(p);
        await ingest(db, p, [{ name: "Fail F" }]);
      }
      const before = calls.length;
      const all = async () => {
        for (const [name] of cases) if ((await content(`fetch-fail-${name}`, "fail")) === null) return false;
        return true;
      };
      expect(await runWorkerUntil(db, all, 20_000)).toBe(true);
      for (const [i, [name, , reason]] of cases.entries()) {
        expect(await content(`fetch-fail-${name}`, "fail")).toBe("failed");
        const [run] = await listRunsWithSteps(db.sql, ids[i]);
        const out = run.steps.find((s) => s.nodeId === "f1" && !s.entered);
        expect(out?.result).toBe("failed");
        expect(String(out?.reason.error)).toMatch(reason);
      }
      // The redirect was not followed; the private address and the file URL were never called; nothing failed was cached.
      expect(calls.slice(before).map((c) => c.path).sort()).toEqual(["/big", "/down", "/hang", "/html", "/redirect"]);
      expect(await db.sql.query(`SELECT 1 FROM fetch_cache WHERE url NOT LIKE $1`, [`${base}/tutorial%`])).toHaveLength(0);
    });
  });
}

describe.each(STORES)("$name", ({ name, open }) => fetchSuite(name, open));
