// Message fates on the profile (GET /api/v1/users/:userId) through the real routes, on PGlite and on
// PostgreSQL: seen, lost to another flow on the same placement (which), failed (why), not seen yet.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, callJson } from "@/lib/testing/routes";
import { setupDb, type TestDb } from "@/lib/testing/db";
import { graph, n } from "@/lib/testing/builders";
import { POST as track } from "@/app/api/v1/track/route";
import { POST as decide } from "@/app/api/v1/decide/route";
import { POST as outcomes } from "@/app/api/v1/outcomes/route";
import { POST as createFlowRoute } from "@/app/api/v1/flows/route";
import { POST as publishRoute } from "@/app/api/v1/flows/[id]/publish/route";
import { GET as userRoute } from "@/app/api/v1/users/[userId]/route";
import { clearFlowCache } from "@/lib/runtime/flow-cache";
import { runDueJobs } from "@/lib/testing/runtime";

type Step = { nodeId: string; result: string; delivery?: { fate: string; message: string; lostTo?: { flowName: string }; error?: string } };

describe.each([["pglite"], ["pg"]] as const)("message fates on %s", (kind) => {
  let t: TestDb;
  const auth = () => bearer(t.secret);
  const flow = async (name: string, g: unknown) => {
    const created = await callJson(createFlowRoute, { body: { name, graph: g }, auth: auth() });
    await callJson(publishRoute, { params: { id: created.json.id }, auth: auth(), method: "POST" });
    return created.json.id as string;
  };

  beforeAll(async () => {
    clearFlowCache();
    t = await setupDb(kind);
    // Two flows compete for the "banner" placement; a third posts a webhook to a private address.
    await flow("Old offer", graph([n.onEvent("t1", "Visit"), n.inApp("m1", "old", { placement: "banner" })], ["t1->m1"]));
    await flow("New offer", graph([n.onEvent("t1", "Visit"), n.inApp("m1", "new", { placement: "banner" })], ["t1->m1"]));
    await flow("Hook", graph([n.onEvent("t1", "Visit"), n.message("m1", { channel: "webhook", url: "http://10.0.0.1/hook" })], ["t1->m1"]));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    clearFlowCache();
  });

  it("says which message was seen, which lost its placement to which flow, and why one failed", async () => {
    delete process.env.PATHWISE_WEBHOOK_ALLOWLIST;
    expect((await callJson(track, { body: { userId: "fate-1", event: "Visit" }, auth: auth() })).status).toBe(200);
    const before = await callJson(userRoute, { params: { userId: "fate-1" }, auth: auth() });
    const stepOf = (json: { runs: { flowName: string; steps: Step[] }[] }, name: string) => json.runs.find((r) => r.flowName === name)!.steps.find((s) => s.nodeId === "m1")!;
    expect(stepOf(before.json as never, "Old offer").delivery).toMatchObject({ fate: "not_seen" });

    const d = await callJson(decide, { body: { userId: "fate-1", placements: ["banner"] }, auth: auth() });
    const decision = d.json.decisions.banner;
    expect((await callJson(outcomes, { body: { decisionId: decision.decisionId, type: "shown" }, auth: auth() })).status).toBe(200);
    await runDueJobs(t.db);

    const after = (await callJson(userRoute, { params: { userId: "fate-1" }, auth: auth() })).json as never;
    const shownName = decision.content === "new" ? "New offer" : "Old offer";
    const lostName = shownName === "New offer" ? "Old offer" : "New offer";
    expect(stepOf(after, shownName).delivery).toMatchObject({ fate: "seen", message: expect.stringContaining("Seen by the user") });
    expect(stepOf(after, lostName).delivery).toMatchObject({ fate: "lost", lostTo: { flowName: shownName } });
    expect(stepOf(after, lostName).delivery!.message).toContain(`showed “${shownName}” instead`);
    expect(stepOf(after, "Hook").delivery).toMatchObject({ fate: "failed", error: expect.any(String) });
  });
});
