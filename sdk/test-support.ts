// Shared setup of the SDK's jsdom tests: a real HTTP server on a free loopback port that speaks the
// public API (ingestion and /outcomes answer success, /decide answers `decisions`, the next `failNext`
// requests answer 503) and records every request; each test starts with an empty record, no decisions,
// no stored messages or anonymousId cookie, and the given page.
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ANON_COOKIE } from "./client";

export type Req = { path: string; auth?: string; body: Record<string, unknown> };

export type FakeApi = { requests: Req[]; decisions: Record<string, unknown>; failNext: number; host: string };

/** Starts the server for the file's tests (and stops it after them); `page` is each test's document body. */
export function fakeApi(page = ""): FakeApi {
  const api: FakeApi = { requests: [], decisions: {}, failNext: 0, host: "" };
  let server: http.Server;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = "";
      req.on("data", (c) => (raw += c));
      req.on("end", () => {
        api.requests.push({ path: req.url!, auth: req.headers.authorization, body: JSON.parse(raw || "{}") });
        res.setHeader("content-type", "application/json");
        if (api.failNext > 0) {
          api.failNext--;
          res.statusCode = 503;
          return res.end('{"error":{"code":"unavailable","message":"try later"}}');
        }
        if (req.url === "/api/v1/decide") return res.end(JSON.stringify({ decisions: api.decisions }));
        res.end('{"success":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    api.host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  beforeEach(() => {
    api.requests.length = 0;
    api.decisions = {};
    localStorage.clear();
    document.cookie = `${ANON_COOKIE}=; Max-Age=0; Path=/`;
    document.body.innerHTML = page;
  });
  return api;
}

/** Waits (up to a second) for the condition, then asserts it. */
export const until = async (f: () => boolean) => {
  for (let i = 0; i < 100 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(f()).toBe(true);
};

/** A /decide answer for one placement. */
export const decision = (content: string, id = "d1") => ({ content, flowId: "f1", nodeId: "m1", decisionId: id });
