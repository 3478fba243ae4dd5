// docs/api.md §4: the Segment-compatible ingestion endpoints: shapes and answers, limits, whole-batch
// validation, messageId de-duplication, past timestamps in windows, page events, identity merges,
// and read-your-writes.
import { beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "./suite";
import { detailPaths, expectError, uid } from "./http";
import { edge, inApp, node, onEvent } from "./flows";

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

export function ingestSection(ctx: Ctx) {
  describe("§4 ingestion", () => {
    const tag = uid("ing");
    const entryEvent = `Entered ${tag}`;
    const placement = `ing-${tag}`;
    let flowId = "";

    beforeAll(async () => {
      // A flow anonymous visitors enter, to see their runs move on a merge.
      const f = await ctx.api.post("/api/v1/flows", {
        name: `ingest ${tag}`,
        graph: { nodes: [node("t1", "trigger", onEvent(entryEvent)), node("m1", "message", inApp(placement, "hello {{ user.plan | default: 'guest' }}"))], edges: [edge("t1", "m1")] },
        settings: { reentry: "never" },
      });
      expect(f.status, f.text).toBe(201);
      flowId = f.json.id;
      const p = await ctx.api.post(`/api/v1/flows/${flowId}/publish`);
      expect(p.status, p.text).toBe(200);
    });

    it("answers each message type with 200 {success:true} and batch with {success:true,accepted:N}", async () => {
      const u = uid("shape");
      expect((await ctx.api.post("/api/v1/track", { userId: u, event: "Signed Up", properties: { plan: "pro" }, context: { ip: "1.2.3.4" } })).json).toEqual({ success: true });
      expect((await ctx.api.post("/api/v1/identify", { userId: u, traits: { email: "a@example.com" } })).json).toEqual({ success: true });
      expect((await ctx.api.post("/api/v1/page", { userId: u, name: "Home" })).json).toEqual({ success: true });
      expect((await ctx.api.post("/api/v1/alias", { previousId: uid("prev"), userId: u })).json).toEqual({ success: true });
      const b = await ctx.api.post("/api/v1/batch", {
        batch: [
          { type: "track", userId: u, event: "A" },
          { type: "identify", userId: u, traits: { x: 1 } },
          { type: "page", anonymousId: uid("anon"), name: "P" },
          { type: "alias", previousId: uid("prev"), userId: u },
        ],
      });
      expect(b.status, b.text).toBe(200);
      expect(b.json).toEqual({ success: true, accepted: 4 });
      // Segment sends numeric ids too.
      expect((await ctx.api.post("/api/v1/track", { userId: 12345, event: "Numeric" })).status).toBe(200);
    });

    it("answers a message without userId or anonymousId (alias without previousId) with 400", async () => {
      for (const [path, body] of [
        ["/api/v1/track", { event: "E" }],
        ["/api/v1/track", { userId: "", event: "E" }],
        ["/api/v1/identify", { traits: { a: 1 } }],
        ["/api/v1/page", { name: "Home" }],
        ["/api/v1/alias", { userId: "u" }],
        ["/api/v1/alias", { previousId: "p" }],
        ["/api/v1/track", { userId: "u" }],
        ["/api/v1/batch", { batch: [{ type: "track", event: "E" }] }],
        ["/api/v1/batch", {}],
      ] as const) {
        expectError(await ctx.api.post(path, body), 400);
      }
    });

    it("answers a message over 32 KB and a batch over 500 KB with 413", async () => {
      const u = uid("big");
      const a = await ctx.api.post("/api/v1/track", { userId: u, event: "Big", properties: { blob: "x".repeat(33 * 1024) } });
      expectError(a, 413);
      const i = await ctx.api.post("/api/v1/identify", { userId: u, traits: { blob: "x".repeat(33 * 1024) } });
      expectError(i, 413);
      const batch = Array.from({ length: 40 }, (_, k) => ({ type: "track", userId: u, event: "Big", properties: { k, blob: "x".repeat(14 * 1024) } }));
      expectError(await ctx.api.post("/api/v1/batch", { batch }), 413);
      // Nothing of it was stored.
      expect((await ctx.api.get(`/api/v1/users/${u}`)).status).toBe(404);
      // Just under the limit is fine.
      const ok = await ctx.api.post("/api/v1/track", { userId: u, event: "Big", properties: { blob: "x".repeat(30 * 1024) } });
      expect(ok.status, ok.text).toBe(200);
    });

    it("rejects a batch with one invalid message whole: 400 naming its index, nothing stored", async () => {
      const users = [uid("b0"), uid("b1"), uid("b2"), uid("b3")];
      const a = await ctx.api.post("/api/v1/batch", {
        batch: [
          { type: "track", userId: users[0], event: "Fine" },
          { type: "identify", userId: users[1], traits: { a: 1 } },
          { type: "track", userId: users[2], event: 12 },
          { type: "page", userId: users[3], name: "Fine" },
        ],
      });
      expectError(a, 400);
      expect(detailPaths(a).some((p) => /(^|\D)2(\D|$)/.test(p)), JSON.stringify(a.json.error.details)).toBe(true);
      for (const u of users) expect((await ctx.api.get(`/api/v1/users/${u}`)).status, u).toBe(404);
      const noId = await ctx.api.post("/api/v1/batch", { batch: [{ type: "track", userId: users[0], event: "Fine" }, { type: "track", event: "No id" }] });
      expectError(noId, 400);
      expect(detailPaths(noId).some((p) => /(^|\D)1(\D|$)/.test(p)), JSON.stringify(noId.json.error.details)).toBe(true);
      const badType = await ctx.api.post("/api/v1/batch", { batch: [{ type: "track", userId: users[0], event: "Fine" }, { type: "bogus", userId: users[0] }] });
      expectError(badType, 400);
      expect((await ctx.api.get(`/api/v1/users/${users[0]}`)).status).toBe(404);
    });

    it("answers a repeated messageId with 200 and does not process it again", async () => {
      const u = uid("dup");
      const messageId = uid("msg");
      for (let i = 0; i < 3; i++) {
        const a = await ctx.api.post("/api/v1/track", { userId: u, event: "Dup Event", messageId });
        expect(a.status, a.text).toBe(200);
      }
      const b = await ctx.api.post("/api/v1/batch", { batch: [{ type: "track", userId: u, event: "Dup Event", messageId }] });
      expect(b.status).toBe(200);
      const p = await ctx.api.get(`/api/v1/users/${u}`);
      expect(p.status).toBe(200);
      expect(p.json.events.filter((e: { name: string }) => e.name === "Dup Event")).toHaveLength(1);
      // And the duplicate did not enter a flow twice either.
      await ctx.api.post("/api/v1/track", { userId: u, event: entryEvent, messageId: `${messageId}-entry` });
      await ctx.api.post("/api/v1/track", { userId: u, event: entryEvent, messageId: `${messageId}-entry` });
      const q = await ctx.api.get(`/api/v1/users/${u}`);
      expect(q.json.events.filter((e: { name: string }) => e.name === entryEvent)).toHaveLength(1);
      expect(q.json.runs.filter((r: { flowId: string }) => r.flowId === flowId)).toHaveLength(1);
    });

    it("stores page as a Page Viewed event with name, path and url as given", async () => {
      const u = uid("page");
      const a = await ctx.api.post("/api/v1/page", { userId: u, name: "Pricing", properties: { path: "/pricing", url: "https://shop.example/pricing?x=1", title: "Pricing" } });
      expect(a.status).toBe(200);
      const p = await ctx.api.get(`/api/v1/users/${u}`);
      const ev = p.json.events.find((e: { name: string }) => e.name === "Page Viewed");
      expect(ev, JSON.stringify(p.json.events)).toBeTruthy();
      expect(ev.properties).toMatchObject({ name: "Pricing", path: "/pricing", url: "https://shop.example/pricing?x=1" });
    });

    it("honours a past timestamp: time windows count the event when it happened", async () => {
      const t = uid("win");
      const f = await ctx.api.post("/api/v1/flows", {
        name: `window ${t}`,
        graph: {
          nodes: [
            node("t1", "trigger", onEvent(`Checkout ${t}`)),
            node("c1", "condition", { if: { event: `Viewed ${t}`, within: "P7D", count: { gte: 2 } } }),
            node("yes", "message", inApp(`win-${t}`, "recent")),
            node("no", "message", inApp(`win-${t}`, "stale")),
          ],
          edges: [edge("t1", "c1"), edge("c1", "yes", "yes"), edge("c1", "no", "no")],
        },
      });
      expect((await ctx.api.post(`/api/v1/flows/${f.json.id}/publish`)).status).toBe(200);
      const recent = uid("recent");
      const stale = uid("stale");
      await ctx.api.post("/api/v1/batch", {
        batch: [
          { type: "track", userId: recent, event: `Viewed ${t}`, timestamp: daysAgo(6) },
          { type: "track", userId: recent, event: `Viewed ${t}`, timestamp: daysAgo(5) },
          { type: "track", userId: stale, event: `Viewed ${t}`, timestamp: daysAgo(9) },
          { type: "track", userId: stale, event: `Viewed ${t}`, timestamp: daysAgo(8) },
        ],
      });
      await ctx.api.post("/api/v1/track", { userId: recent, event: `Checkout ${t}` });
      await ctx.api.post("/api/v1/track", { userId: stale, event: `Checkout ${t}` });
      const d1 = await ctx.api.post("/api/v1/decide", { userId: recent, placements: [`win-${t}`] });
      const d2 = await ctx.api.post("/api/v1/decide", { userId: stale, placements: [`win-${t}`] });
      expect(d1.json.decisions[`win-${t}`]?.content).toBe("recent");
      expect(d2.json.decisions[`win-${t}`]?.content).toBe("stale");
      // The stored event keeps the given time.
      const p = await ctx.api.get(`/api/v1/users/${stale}`);
      const times = p.json.events.filter((e: { name: string }) => e.name === `Viewed ${t}`).map((e: { timestamp: string }) => Date.parse(e.timestamp));
      expect(Math.min(...times)).toBeLessThan(Date.now() - 8 * 86_400_000 + 60_000);
    });

    for (const how of ["identify", "alias"] as const) {
      it(`merges the anonymous profile into the user on ${how}: events, traits and runs`, async () => {
        const anon = uid("anon");
        const user = uid("user");
        await ctx.api.post("/api/v1/track", { anonymousId: anon, event: entryEvent });
        await ctx.api.post("/api/v1/identify", { anonymousId: anon, traits: { plan: "gold", color: "red" } });
        await ctx.api.post("/api/v1/track", { anonymousId: anon, event: "Anon Browse" });
        // The user already exists with a trait of its own.
        await ctx.api.post("/api/v1/identify", { userId: user, traits: { email: "m@example.com" } });
        const join = how === "identify" ? await ctx.api.post("/api/v1/identify", { userId: user, anonymousId: anon, traits: { color: "blue" } }) : await ctx.api.post("/api/v1/alias", { previousId: anon, userId: user });
        expect(join.status, join.text).toBe(200);
        const p = await ctx.api.get(`/api/v1/users/${user}`);
        expect(p.status).toBe(200);
        expect(p.json.userId).toBe(user);
        expect(p.json.anonymousIds).toContain(anon);
        expect(p.json.traits).toMatchObject({ plan: "gold", email: "m@example.com", color: how === "identify" ? "blue" : "red" });
        const names = p.json.events.map((e: { name: string }) => e.name);
        expect(names).toContain(entryEvent);
        expect(names).toContain("Anon Browse");
        expect(p.json.runs.some((r: { flowId: string }) => r.flowId === flowId), JSON.stringify(p.json.runs)).toBe(true);
        // The anonymous visitor's message now answers for the user, and for the anonymous id too.
        const d = await ctx.api.post("/api/v1/decide", { userId: user, placements: [placement] });
        expect(d.json.decisions[placement]?.flowId).toBe(flowId);
        const da = await ctx.api.post("/api/v1/decide", { anonymousId: anon, placements: [placement] });
        expect(da.json.decisions[placement]?.flowId).toBe(flowId);
      });
    }

    it("takes concurrent messages for one person (same messageId, merges) without a 500 or a double count", async () => {
      const u = uid("conc");
      const anon = uid("conc-anon");
      const messageId = uid("conc-msg");
      const calls = [
        ...Array.from({ length: 8 }, () => ctx.api.post("/api/v1/track", { userId: u, event: "Same Message", messageId })),
        ...Array.from({ length: 8 }, (_, i) => ctx.api.post("/api/v1/track", { userId: u, event: "Parallel", properties: { i } })),
        ...Array.from({ length: 4 }, (_, i) => ctx.api.post("/api/v1/track", { anonymousId: anon, event: "Anon Parallel", properties: { i } })),
        ...Array.from({ length: 4 }, () => ctx.api.post("/api/v1/identify", { userId: u, anonymousId: anon, traits: { merged: true } })),
        ...Array.from({ length: 4 }, () => ctx.api.post("/api/v1/track", { userId: u, event: entryEvent })),
      ];
      const answers = await Promise.all(calls);
      for (const a of answers) expect(a.status, a.text).toBe(200);
      const p = await ctx.api.get(`/api/v1/users/${u}`);
      const count = (name: string) => p.json.events.filter((e: { name: string }) => e.name === name).length;
      expect(count("Same Message")).toBe(1);
      expect(count("Parallel")).toBe(8);
      expect(count("Anon Parallel")).toBe(4);
      expect(count(entryEvent)).toBe(4);
      expect(p.json.anonymousIds).toContain(anon);
      expect(p.json.traits.merged).toBe(true);
      // reentry "never": one run however many entry events raced.
      expect(p.json.runs.filter((r: { flowId: string }) => r.flowId === flowId)).toHaveLength(1);
    });

    it("reads its writes: the very next call sees the profile update and the flow's message", async () => {
      for (let i = 0; i < 5; i++) {
        const u = uid("ryw");
        expect((await ctx.api.post("/api/v1/identify", { userId: u, traits: { plan: `p${i}` } })).status).toBe(200);
        const p = await ctx.api.get(`/api/v1/users/${u}`);
        expect(p.status).toBe(200);
        expect(p.json.traits.plan).toBe(`p${i}`);
        expect((await ctx.api.post("/api/v1/track", { userId: u, event: entryEvent })).status).toBe(200);
        const d = await ctx.api.post("/api/v1/decide", { userId: u, placements: [placement] });
        expect(d.json.decisions[placement]?.content).toBe(`hello p${i}`);
        const q = await ctx.api.get(`/api/v1/users/${u}`);
        expect(q.json.events.some((e: { name: string }) => e.name === entryEvent)).toBe(true);
        expect(q.json.runs.some((r: { flowId: string }) => r.flowId === flowId)).toBe(true);
      }
    });
  });
}
