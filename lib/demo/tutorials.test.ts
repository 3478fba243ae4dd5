// The demo's tutorial service and the onboarding flow that reads it through a fetch node.
import { describe, expect, it } from "vitest";
import { GET } from "@/app/demo/tutorials/route";
import { simulate } from "@/lib/engine/simulate";
import { onboardingFlow } from "./flows";
import { LEVELS, pickTutorial, TUTORIALS } from "./tutorials";

describe("demo tutorial service", () => {
  it("answers one tutorial per role and level, defaulting unknown values", async () => {
    const res = GET(new Request("http://127.0.0.1:3000/demo/tutorials?role=manager&level=expert"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: "manager-expert", role: "manager", level: "expert", title: "Forecasting with custom metrics" });
    expect(pickTutorial("astronaut", null)).toMatchObject({ role: "member", level: "beginner" });
    expect(new Set(TUTORIALS.map((t) => t.id)).size).toBe(3 * LEVELS.length);
  });
});

describe("demo onboarding with the tutorial fetch", () => {
  const flow = onboardingFlow({ origin: "http://127.0.0.1:4321" });
  const run = (traits: Record<string, unknown>, stub?: { status?: number; body: string }) =>
    simulate({ graph: flow.graph, settings: { ...flow.settings, holdout: 0 } }, { profile: { traits, userId: "u1" }, events: [{ at: "PT0S", type: "identify", traits }], ...(stub ? { fetch: { tutorial: stub } } : {}) });

  it("asks the tutorial service for the user's role and level and shows the tutorial in the tour", () => {
    const t = pickTutorial("admin", "expert");
    const r = run({ role: "admin", experience: "expert", name: "Ada" }, { body: JSON.stringify(t) });
    const fetching = r.trace.find((s) => s.nodeId === "tutorial" && s.result === "fetching");
    expect(fetching?.reason?.fetch).toMatchObject({ url: "http://127.0.0.1:4321/demo/tutorials?role=admin&level=expert", method: "GET" });
    const tour = r.messages.find((m) => m.nodeId === "admin-tour") as { content?: string } | undefined;
    expect(tour?.content).toContain("Automate provisioning with the admin API");
    expect(tour?.content).toContain('href="/demo/account?tutorial=admin-expert"');
  });

  it("still gives the tour, without a tutorial, when the service fails", () => {
    const r = run({ role: "member" }, { status: 503, body: "{}" });
    expect(r.trace.map((s) => `${s.nodeId}:${s.result}`)).toContain("tutorial:failed");
    const tour = r.messages.find((m) => m.nodeId === "member-tour") as { content?: string } | undefined;
    expect(tour?.content).toContain("Get set up");
    expect(tour?.content).not.toContain("data-pw-tutorial");
  });
});
