// docs/api.md §1: health, the bootstrap key and admin, HOST/PORT, and restarts (SIGTERM and SIGKILL)
// that keep every flow, version, profile, event, run and outcome. Runs last: it replaces the process.
import { describe, expect, it } from "vitest";
import type { Ctx } from "./suite";
import { ADMIN, freePort } from "./server";
import { uid } from "./http";
import { edge, inApp, node, onEvent } from "./flows";

export function runningSection(ctx: Ctx, rebind: () => void) {
  describe("§1 running the server", () => {
    it("answers /api/health 200 {status:ok} without a key", async () => {
      const a = await ctx.api.get("/api/health", { key: null });
      expect(a.status).toBe(200);
      expect(a.json).toEqual({ status: "ok" });
    });

    it("signs the admin in through POST /api/auth/login (form) and the session works", async () => {
      const form = new URLSearchParams({ email: ADMIN.email, password: ADMIN.password }).toString();
      const a = await ctx.api.call("POST", "/api/auth/login", { key: null, raw: form, headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect([200, 302, 303]).toContain(a.status);
      const cookie = (a.headers.get("set-cookie") ?? "").split(";")[0];
      expect(cookie).toMatch(/=/);
      const flows = await ctx.api.get("/api/v1/flows", { key: null, cookie });
      expect(flows.status).toBe(200);
      const wrong = new URLSearchParams({ email: ADMIN.email, password: "wrong-password" }).toString();
      const w = await ctx.api.call("POST", "/api/auth/login", { key: null, raw: wrong, headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(w.headers.get("set-cookie") ?? "").not.toMatch(/=\w{10,}/);
    });

    it("keeps flows, versions, profiles, events, runs and outcomes across SIGTERM and SIGKILL restarts", async () => {
      const t = uid("persist");
      const pl = `persist-${t}`;
      const f = await ctx.api.post("/api/v1/flows", {
        name: `persist ${t}`,
        graph: {
          nodes: [node("t1", "trigger", onEvent(`Persist ${t}`)), node("m1", "message", inApp(pl, "kept {{ user.plan }}")), node("w1", "wait", { for: "P1D" }), node("m2", "message", inApp(`${pl}-2`, "later"))],
          edges: [edge("t1", "m1"), edge("m1", "w1"), edge("w1", "m2")],
        },
        settings: { goal: { event: `Goal ${t}` } },
      });
      const id = f.json.id;
      await ctx.api.post(`/api/v1/flows/${id}/publish`);
      await ctx.api.put(`/api/v1/flows/${id}`, { name: `persist ${t} v2` });
      await ctx.api.post(`/api/v1/flows/${id}/publish`);
      const users = [uid("p1"), uid("p2")];
      for (const u of users) {
        await ctx.api.post("/api/v1/identify", { userId: u, anonymousId: `${u}-anon`, traits: { plan: "gold" } });
        await ctx.api.post("/api/v1/track", { userId: u, event: `Persist ${t}` });
      }
      const dec = (await ctx.api.post("/api/v1/decide", { userId: users[0], placements: [pl] })).json.decisions[pl];
      expect(dec?.content).toBe("kept gold");
      expect((await ctx.api.post("/api/v1/outcomes", { decisionId: dec.decisionId, type: "clicked" })).status).toBe(200);
      await ctx.api.post("/api/v1/track", { userId: users[1], event: `Goal ${t}` });

      const snapshot = async () => {
        const flow = (await ctx.api.get(`/api/v1/flows/${id}`)).json;
        const versions = await ctx.api.get(`/api/v1/flows/${id}/versions`);
        const stats = (await ctx.api.get(`/api/v1/flows/${id}/stats`)).json;
        const profiles = [];
        for (const u of users) {
          const p = (await ctx.api.get(`/api/v1/users/${u}`)).json;
          profiles.push({ userId: p.userId, anonymousIds: p.anonymousIds, traits: p.traits, firstSeen: p.firstSeen, events: p.events.map((e: { name: string; timestamp: string }) => [e.name, e.timestamp]), runs: p.runs.map((r: { flowId: string; version: number; nodeId: string; status: string }) => [r.flowId, r.version, r.nodeId, r.status]) });
        }
        const decision = (await ctx.api.post("/api/v1/decide", { userId: users[0], placements: [pl] })).json.decisions[pl];
        return { flow: { name: flow.name, status: flow.status, version: flow.version, graph: flow.graph, settings: flow.settings }, versions: versions.status === 200 ? versions.json : null, stats, profiles, decision: decision && { content: decision.content, nodeId: decision.nodeId } };
      };
      const before = await snapshot();
      expect(before.flow.version).toBe(2);
      expect(before.stats.entered).toBe(2);
      expect(before.stats.converted).toBe(1);
      expect(before.stats.nodes.m1.outcomes.clicked).toBe(1);

      for (const signal of ["SIGTERM", "SIGKILL"] as const) {
        await ctx.server.stop(signal);
        await ctx.server.start({ port: await freePort() });
        rebind();
        const after = await snapshot();
        expect(after, `after ${signal}`).toEqual(before);
      }
    });

    it("honours HOST and PORT, and defaults HOST to every interface", async () => {
      const port = await freePort();
      await ctx.server.stop("SIGTERM");
      await ctx.server.start({ host: "127.0.0.1", port });
      rebind();
      expect(ctx.url).toBe(`http://127.0.0.1:${port}`);
      expect((await ctx.api.get("/api/health", { key: null })).json).toEqual({ status: "ok" });
      await ctx.server.stop("SIGTERM");
      const port2 = await freePort();
      await ctx.server.start({ host: null, port: port2 });
      rebind();
      expect((await fetch(`http://127.0.0.1:${port2}/api/health`)).status).toBe(200);
      expect((await fetch(`http://localhost:${port2}/api/health`)).status).toBe(200);
    });
  });
}
