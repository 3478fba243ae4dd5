// docs/api.md §5/§6: webhook and email messages are delivered to real receivers with their Liquid
// rendered, and record `sent` or `failed` in the node's outcomes by themselves.
import { describe, expect, it } from "vitest";
import type { Ctx } from "./suite";
import { eventually, uid } from "./http";
import { edge, node, onEvent } from "./flows";

export function deliveriesSection(ctx: Ctx) {
  describe("§6 deliveries (webhook and email)", () => {
    it("delivers webhooks and email with Liquid rendered and records sent / failed", async () => {
      const t = uid("deliver");
      const rx = ctx.receivers;
      const f = await ctx.api.post("/api/v1/flows", {
        name: `deliver ${t}`,
        graph: {
          nodes: [
            node("t1", "trigger", onEvent(`Deliver ${t}`)),
            node("u1", "update", { set: { stage: "contacted", greeting: "Hi {{ user.name }}" } }),
            node("wh", "message", { channel: "webhook", url: `${rx.hookBase}/ok/${t}`, method: "POST", headers: { "x-test": "yes" }, body: '{"user":"{{ user.id }}","name":"{{ user.name }}","sku":"{{ event.properties.sku }}"}' }),
            node("bad", "message", { channel: "webhook", url: `${rx.hookBase}/fail/${t}`, body: "x" }),
            node("em", "message", { channel: "email", subject: "Hello {{ user.name }}", body: "<p>Your stage: {{ user.stage }}</p>" }),
          ],
          edges: [edge("t1", "u1"), edge("u1", "wh"), edge("wh", "bad"), edge("bad", "em")],
        },
      });
      expect(f.status, f.text).toBe(201);
      expect((await ctx.api.post(`/api/v1/flows/${f.json.id}/publish`)).status).toBe(200);
      const u = uid("deliver-user");
      await ctx.api.post("/api/v1/identify", { userId: u, traits: { name: "Ada & Co", email: `${t}@example.com` } });
      await ctx.api.post("/api/v1/track", { userId: u, event: `Deliver ${t}`, properties: { sku: "A-1" } });
      // The update node's traits are read-your-writes.
      const p = await ctx.api.get(`/api/v1/users/${u}`);
      expect(p.json.traits.stage).toBe("contacted");
      expect(p.json.traits.greeting).toMatch(/^Hi Ada (&amp;|&) Co$/);
      const hook = await eventually(async () => rx.hooks.find((h) => h.path === `/ok/${t}`), 20_000);
      expect(hook.method).toBe("POST");
      expect(hook.headers["x-test"]).toBe("yes");
      expect(hook.body).toContain(`"user":"${u}"`);
      expect(hook.body).toContain('"sku":"A-1"');
      const mail = await eventually(async () => rx.mails.find((m) => m.to.includes(`${t}@example.com`)), 20_000);
      expect(mail.raw).toMatch(/Subject: Hello Ada/);
      expect(mail.raw).toContain("contacted");
      const outcomes = await eventually(async () => {
        const st = (await ctx.api.get(`/api/v1/flows/${f.json.id}/stats`)).json;
        return st.nodes.wh?.outcomes?.sent === 1 && st.nodes.em?.outcomes?.sent === 1 && st.nodes.bad?.outcomes?.failed === 1 ? st.nodes : null;
      }, 40_000, 250);
      expect(outcomes.wh.outcomes.sent).toBe(1);
      // Delivered once.
      expect(rx.hooks.filter((h) => h.path === `/ok/${t}`)).toHaveLength(1);
      expect(rx.mails.filter((m) => m.to.includes(`${t}@example.com`))).toHaveLength(1);
    });
  });
}
