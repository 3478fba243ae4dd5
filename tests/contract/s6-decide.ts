// docs/api.md §6: /decide's shape, null for unknown users (never a failure), and outcomes recorded and
// counted in the stats of the message's node.
import { beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "./suite";
import { expectError, uid } from "./http";
import { edge, inApp, node, onEvent } from "./flows";

export function decideSection(ctx: Ctx) {
  describe("§6 decisions and outcomes", () => {
    const t = uid("dec");
    const pl = `dec-${t}`;
    const other = `dec-other-${t}`;
    let flowId = "";
    beforeAll(async () => {
      const f = await ctx.api.post("/api/v1/flows", {
        name: `decide ${t}`,
        graph: {
          nodes: [node("t1", "trigger", onEvent(`Decide ${t}`)), node("m1", "message", inApp(pl, "first")), node("m2", "message", inApp(pl, "second {{ user.id }}"))],
          edges: [edge("t1", "m1"), edge("m1", "m2")],
        },
      });
      flowId = f.json.id;
      expect((await ctx.api.post(`/api/v1/flows/${flowId}/publish`)).status).toBe(200);
    });

    it("answers {decisions:{key: {content,flowId,nodeId,decisionId} | null}}, the newest message first", async () => {
      const u = uid("dec-user");
      await ctx.api.post("/api/v1/track", { userId: u, event: `Decide ${t}` });
      const a = await ctx.api.post("/api/v1/decide", { userId: u, placements: [pl, other], context: { page: "/home" } });
      expect(a.status, a.text).toBe(200);
      expect(Object.keys(a.json.decisions).sort()).toEqual([pl, other].sort());
      expect(a.json.decisions[other]).toBeNull();
      const d = a.json.decisions[pl];
      expect(d).toMatchObject({ content: `second ${u}`, flowId, nodeId: "m2", decisionId: expect.any(String) });
      if ("variant" in d && d.variant !== undefined) expect(d.variant).toBeTypeOf("string");
    });

    it("answers null for unknown users and anonymous ids, never an error", async () => {
      for (const body of [{ userId: uid("ghost"), placements: [pl] }, { anonymousId: uid("ghost-anon"), placements: [pl, other] }]) {
        const a = await ctx.api.post("/api/v1/decide", body);
        expect(a.status, a.text).toBe(200);
        for (const k of body.placements) expect(a.json.decisions[k]).toBeNull();
      }
      expectError(await ctx.api.post("/api/v1/decide", { placements: [pl] }), 400);
    });

    it("records shown, clicked and dismissed outcomes and counts them in the node's stats", async () => {
      const users = [uid("o1"), uid("o2"), uid("o3")];
      const ids: string[] = [];
      for (const u of users) {
        await ctx.api.post("/api/v1/track", { userId: u, event: `Decide ${t}` });
        ids.push((await ctx.api.post("/api/v1/decide", { userId: u, placements: [pl] })).json.decisions[pl].decisionId);
      }
      const post = (decisionId: string, type: string) => ctx.api.post("/api/v1/outcomes", { decisionId, type });
      for (const id of ids) expect((await post(id, "shown")).status).toBe(200);
      expect((await post(ids[0], "clicked")).status).toBe(200);
      expect((await post(ids[1], "dismissed")).status).toBe(200);
      // A repeat is answered 200 and not counted twice.
      expect((await post(ids[0], "clicked")).status).toBe(200);
      const st = (await ctx.api.get(`/api/v1/flows/${flowId}/stats`)).json;
      expect(st.nodes.m2.outcomes).toMatchObject({ shown: 3, clicked: 1, dismissed: 1 });
      expectError(await post(ids[0], "liked"), 400);
      const unknown = await post("no-such-decision", "shown");
      expect([404, 400]).toContain(unknown.status);
    });
  });
}
