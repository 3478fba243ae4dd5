// docs/api.md §4 with the real clients, pointed straight at the server (no proxy): Segment's
// @segment/analytics-node (every call type, batching, a retry after a dropped response that must not
// store anything twice) and RudderStack's @rudderstack/rudder-sdk-node (gzip batches), read back through
// the users API; plus CORS as a browser meets it over real HTTP (preflights, 404s, 405s).
import { Analytics, FetchHTTPClient, type HTTPClient, type HTTPClientRequest } from "@segment/analytics-node";
import RudderAnalytics from "@rudderstack/rudder-sdk-node";
import { beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "./suite";
import { eventually, uid } from "./http";

/** The configuration docs/sending-data.md shows for analytics-node. */
export function segmentNode(url: string, writeKey: string, extra: Partial<ConstructorParameters<typeof Analytics>[0]> = {}) {
  return new Analytics({ writeKey, host: url, path: "/api/v1/batch", flushAt: 15, flushInterval: 10_000, ...extra });
}

/** Passes every request to the server; the first answer is received and then lost, as when a connection drops. */
class DropFirstAnswer implements HTTPClient {
  private inner = new FetchHTTPClient();
  readonly retryHeaders: Array<string | undefined> = [];
  readonly statuses: number[] = [];
  private dropped = false;

  async makeRequest(req: HTTPClientRequest) {
    this.retryHeaders.push(req.headers["X-Retry-Count"]);
    const res = await this.inner.makeRequest(req);
    this.statuses.push(res.status);
    await res.text?.();
    if (!this.dropped) {
      this.dropped = true;
      throw new Error("socket hang up (the server's answer was lost)");
    }
    return res;
  }
}

type Event = { type: string; name: string; messageId: string; properties: Record<string, unknown> };

export function segmentClientsSection(ctx: Ctx) {
  describe("§4 with the real Segment and RudderStack clients", () => {
    let writeKey = "";
    beforeAll(async () => {
      const k = await ctx.api.post("/api/v1/keys", { kind: "write", name: `segment clients ${uid("k")}` });
      expect(k.status, k.text).toBe(201);
      writeKey = k.json.key;
    });

    const events = async (userId: string): Promise<Event[]> => {
      const r = await ctx.api.get(`/api/v1/users/${encodeURIComponent(userId)}`);
      return r.status === 200 ? (r.json.events as Event[]) : [];
    };

    it("analytics-node: track, identify, page, screen, group and alias in one batch, each stored once", async () => {
      const u = uid("node");
      const previous = uid("node-prev");
      const group = uid("node-co");
      const analytics = segmentNode(ctx.url, writeKey);
      const failures: unknown[] = [];
      analytics.on("error", (e) => failures.push(e));
      analytics.identify({ userId: u, traits: { name: "Nora", plan: "trial" } });
      analytics.track({ userId: u, event: "Node Tracked", properties: { n: 1 } });
      analytics.page({ userId: u, name: "Pricing", properties: { path: "/pricing", url: "https://shop.example/pricing" } });
      analytics.screen({ userId: u, name: "Settings" });
      analytics.group({ userId: u, groupId: group, traits: { name: "Node Co", plan: "enterprise" } });
      analytics.alias({ userId: u, previousId: previous });
      await analytics.closeAndFlush({ timeout: 20_000 });
      expect(failures).toEqual([]);
      const got = await eventually(async () => {
        const e = await events(u);
        return e.length >= 6 ? e : null;
      });
      expect(got.map((e) => e.name).sort()).toEqual(["Alias", "Group", "Identify", "Node Tracked", "Page Viewed", "Screen Viewed"]);
      const profile = await ctx.api.get(`/api/v1/users/${u}`);
      expect(profile.json.traits).toMatchObject({ name: "Nora", plan: "trial" });
      expect(profile.json.anonymousIds).toContain(previous);
      expect(profile.json.groups).toEqual([{ groupId: group, traits: { name: "Node Co", plan: "enterprise" }, joinedAt: expect.any(String) }]);
      expect(got.find((e) => e.name === "Page Viewed")!.properties).toMatchObject({ name: "Pricing", path: "/pricing" });
      expect(got.find((e) => e.name === "Screen Viewed")!.properties).toMatchObject({ name: "Settings" });
    });

    it("analytics-node: a batch whose answer was lost is sent again with X-Retry-Count and stored once", async () => {
      const u = uid("node-retry");
      const http = new DropFirstAnswer();
      const analytics = segmentNode(ctx.url, writeKey, { httpClient: http, maxRetries: 3 });
      for (let i = 0; i < 3; i++) analytics.track({ userId: u, event: "Retried", properties: { i } });
      analytics.group({ userId: u, groupId: uid("retry-co"), traits: { plan: "pro" } });
      await analytics.closeAndFlush({ timeout: 30_000 });
      // The first attempt reached the server (200) and its answer was lost; the retry said so.
      expect(http.statuses).toEqual([200, 200]);
      expect(http.retryHeaders).toEqual([undefined, "1"]);
      const got = await events(u);
      expect(got.filter((e) => e.name === "Retried")).toHaveLength(3);
      expect(new Set(got.map((e) => e.messageId)).size).toBe(got.length);
      expect(got.filter((e) => e.name === "Group")).toHaveLength(1);
    });

    it("rudder-sdk-node: gzip batches of every call type arrive at the same endpoints", async () => {
      const u = uid("rudder");
      const client = new RudderAnalytics(writeKey, { dataPlaneUrl: `${ctx.url}/api`, path: "/v1/batch", flushAt: 20, flushInterval: 10_000, logLevel: "error" });
      client.identify({ userId: u, traits: { name: "Ravi" } });
      client.track({ userId: u, event: "Rudder Tracked", properties: { via: "rudder" } });
      client.page({ userId: u, name: "Docs", properties: { path: "/docs" } });
      client.screen({ userId: u, name: "Home" });
      client.group({ userId: u, groupId: "rudder-co", traits: { plan: "team" } });
      client.alias({ userId: u, previousId: uid("rudder-prev") });
      await client.flush();
      const got = await eventually(async () => {
        const e = await events(u);
        return e.length >= 6 ? e : null;
      });
      expect(got.map((e) => e.name).sort()).toEqual(["Alias", "Group", "Identify", "Page Viewed", "Rudder Tracked", "Screen Viewed"]);
    });

    it("answers browsers with CORS everywhere under /api/v1: preflights allow the asked-for headers; 404 and 405 too", async () => {
      const origin = "https://shop.example";
      for (const path of ["/api/v1/t", "/api/v1/b", "/api/v1/flows", "/api/v1/users/someone"]) {
        const pre = await ctx.api.call("OPTIONS", path, { key: null, headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-retry-count" } });
        expect(pre.status, path).toBe(204);
        expect(pre.headers.get("access-control-allow-origin"), path).toBe("*");
        expect(pre.headers.get("access-control-allow-headers"), path).toMatch(/x-retry-count/);
      }
      const missing = await ctx.api.post("/api/v1/no-such-endpoint", { a: 1 }, { key: null, headers: { origin } });
      expect(missing.status).toBe(404);
      expect(missing.headers.get("access-control-allow-origin")).toBe("*");
      const deep = await ctx.api.get("/api/v1/flows/x/y/z/nothing", { headers: { origin } });
      expect(deep.status).toBe(404);
      expect(deep.headers.get("access-control-allow-origin")).toBe("*");
      const wrongMethod = await ctx.api.get("/api/v1/t", { key: null, headers: { origin } });
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get("access-control-allow-origin")).toBe("*");
      const unauthorized = await ctx.api.post("/api/v1/t", { userId: "x", event: "E" }, { key: null, headers: { origin, "content-type": "text/plain" } });
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers.get("access-control-allow-origin")).toBe("*");
    });
  });
}
