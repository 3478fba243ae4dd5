// The demo's flows are publishable as they are, and its simulated customers favour the treatment.
import { describe, expect, it } from "vitest";
import { checkFlow } from "@/lib/flow/validate";
import { demoCatalog, demoFlows, forYouFlow, onboardingFlow, productOfferFlow, PLACEMENTS } from "./flows";
import { liquidContext, renderTemplate } from "@/lib/liquid/render";
import { crmCsv, makeUsers, simulateUser, type Api, type SimMessage, type SimTally } from "./traffic";

describe("demo flows", () => {
  it("have no problems, so publish accepts them", () => {
    for (const f of demoFlows()) {
      const r = checkFlow(f.graph, f.settings);
      expect(r.ok, f.name).toBe(true);
      if (r.ok) expect(r.problems, f.name).toEqual([]);
    }
  });

  it("carry a split and holdouts, and the micro-interaction markup the storefront expects", () => {
    const offer = productOfferFlow();
    expect(offer.graph.nodes.some((n) => n.type === "split")).toBe(true);
    expect(offer.settings.holdout).toBe(10);
    const onboarding = onboardingFlow();
    expect(onboarding.settings.holdout).toBe(20);
    const admin = onboarding.graph.nodes.find((n) => n.id === "admin-tour")!;
    expect(admin.data).toMatchObject({ channel: "in_app", placement: PLACEMENTS.onboarding });
    expect(JSON.stringify(admin.data)).toContain('data-pw-kind=\\"tooltip\\" data-pw-anchor=\\"#invite-team\\"');
    expect(onboarding.graph.nodes.every((n) => n.type !== "message" || n.data.channel === "in_app")).toBe(true);
  });
});

describe("the for you strip", () => {
  it("renders up to three of recommendations.for_you as a banner, and nothing without any", () => {
    const node = forYouFlow().graph.nodes.find((n) => n.type === "message")!;
    const data = node.data as { placement: string; content: string };
    expect(data.placement).toBe(PLACEMENTS.forYou);
    const flow = { id: "f", name: "For you" };
    const items = demoCatalog().map((p) => ({ ...p, image: null, score: 1 }));
    const out = renderTemplate(data.content, liquidContext({ traits: {}, flow, recommendations: { for_you: items } }));
    expect(out).toEqual({ ok: true, output: expect.stringContaining('<li><a href="/demo/products/a">Product A</a> · $49</li>') });
    expect(out.output.match(/<li>/g)).toHaveLength(3);
    expect(renderTemplate(data.content, liquidContext({ traits: {}, flow }))).toEqual({ ok: true, output: "" });
  });
});

describe("simulated traffic", () => {
  it("makes a deterministic CRM CSV with a userId column and roles", () => {
    const csv = crmCsv(makeUsers(3));
    expect(csv.split("\n")[0]).toBe("userId,email,name,role,plan,company");
    expect(csv).toBe(crmCsv(makeUsers(3)));
    const roles = new Set(makeUsers(500).map((u) => u.role));
    expect(roles).toEqual(new Set(["admin", "manager", "member"]));
  });

  async function run(showMessages: boolean, n = 1500) {
    const sent: SimMessage[] = [];
    let id = 0;
    const api: Api = {
      batch: async (m) => void sent.push(...m),
      decide: async (_u, keys) => Object.fromEntries(keys.map((k) => [k, showMessages ? { decisionId: `d${++id}`, nodeId: "discount", variant: "pct" } : null])),
      outcome: async () => undefined,
    };
    const tally: SimTally = { users: 0, messages: 0, decisions: 0, shown: 0, clicked: 0, conversions: 0 };
    const now = Date.UTC(2026, 10, 1);
    const users = makeUsers(n);
    for (let i = 0; i < users.length; i++) await simulateUser(api, users[i], i, { now, days: 30, seed: 1 }, tally);
    return { sent, tally, now };
  }

  it("keeps every timestamp within the past 30 days and in order per user", async () => {
    const { sent, now } = await run(true, 200);
    for (const m of sent) {
      const t = Date.parse(m.timestamp);
      expect(t).toBeLessThan(now);
      expect(t).toBeGreaterThanOrEqual(now - 30 * 86_400_000);
    }
    expect(new Set(sent.map((m) => m.messageId)).size).toBe(sent.length);
  });

  it("converts more users who were shown a message than users who were not", async () => {
    const treated = await run(true);
    const control = await run(false);
    const completed = (s: SimMessage[]) => new Set(s.filter((m) => m.event === "Onboarding Completed").map((m) => m.userId)).size;
    expect(completed(treated.sent)).toBeGreaterThan(completed(control.sent) * 1.3);
    expect(treated.tally.conversions).toBeGreaterThan(control.tally.conversions * 1.5);
  });
});
