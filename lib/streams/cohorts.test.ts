// Cohort syncs: Mixpanel's cohort-sync webhook and Amplitude's cohort webhook keep the `cohorts` list
// trait, which conditions read; retried deliveries change nothing twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as sources from "@/app/api/v1/sources/route";
import * as webhook from "@/app/api/v1/sources/[id]/webhook/route";
import * as user from "@/app/api/v1/users/[userId]/route";
import { compileCondition, emptySummary } from "@/lib/conditions";
import { publish } from "@/lib/testing/runtime";
import { bearer, callJson } from "@/lib/testing/routes";
import { setupDb, type TestDb } from "@/lib/testing/db";
import { nextCohorts, parseCohortSync } from "./cohorts";

const mixpanel = (action: string, members: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => ({
  action,
  parameters: {
    mixpanel_project_id: "2195193",
    mixpanel_cohort_id: "1234",
    mixpanel_cohort_name: "Power users",
    mixpanel_cohort_description: "Used it 5 days of 7",
    mixpanel_session_id: `s-${action}-${members.length}`,
    page_info: { total_pages: 1, page_count: 0 },
    members,
    ...extra,
  },
});
const member = (id: string) => ({ email: `${id}@example.com`, mixpanel_distinct_id: id, first_name: "A", last_name: "B" });

describe("payload shapes", () => {
  it("reads Mixpanel and Amplitude payloads into one change", () => {
    const m = parseCohortSync("mixpanel", mixpanel("remove_members", [member("u1"), { email: "x@y" }]));
    expect(m.ok && m.change).toMatchObject({ cohort: "Power users", add: false, replace: false, userIds: ["u1"], skipped: [{ path: "parameters.members.1.mixpanel_distinct_id" }] });
    const paged = parseCohortSync("mixpanel", mixpanel("members", [member("u1")], { page_info: { total_pages: 3, page_count: 1 } }));
    expect(paged.ok && paged.change.replace).toBe(false);
    const a = parseCohortSync("amplitude", { cohort_name: "Churn risk", cohort_id: "7khm89cz", in_cohort: false, computed_time: "1692206763", message_id: "9b::exit::0", users: [{ user_id: "u2" }] });
    expect(a.ok && a.change).toMatchObject({ cohort: "Churn risk", add: false, userIds: ["u2"] });
    const bad = parseCohortSync("amplitude", { cohort_name: "x" });
    expect(bad.ok).toBe(false);
    expect(nextCohorts(["a"], "b", true)).toEqual(["a", "b"]);
    expect(nextCohorts(["a", "b"], "a", false)).toEqual(["b"]);
    expect(nextCohorts("junk", "a", true)).toEqual(["a"]);
  });
});

describe("cohort syncs on PGlite", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await setupDb("pglite");
  });
  afterAll(async () => t?.close());

  const traits = async (userId: string) => (await callJson(user.GET, { auth: bearer(t.secret), params: { userId } })).json.traits;

  it("Mixpanel: members, add_members, remove_members keep the cohorts trait, which a flow's condition reads", async () => {
    // A condition reads the list trait inside a flow: members of the cohort are marked when they arrive.
    await publish(t.db, "Power users onboarding", {
      nodes: [
        { id: "t1", type: "trigger", data: { on: { type: "identify" } } },
        { id: "c1", type: "condition", data: { if: { trait: "cohorts", op: "contains", value: "Power users" } } },
        { id: "u1", type: "update", data: { set: { powerWelcome: true } } },
      ],
      edges: [
        { id: "e1", source: "t1", target: "c1" },
        { id: "e2", source: "c1", target: "u1", sourceHandle: "yes" },
      ],
    });
    const { source, secret } = (await callJson(sources.POST, { auth: bearer(t.secret), body: { name: "Mixpanel", kind: "mixpanel" } })).json;
    // Mixpanel sends Basic auth when asked to; the secret is the password.
    const auth = `Basic ${Buffer.from(`mixpanel:${secret}`).toString("base64")}`;
    const send = (payload: unknown) => callJson(webhook.POST, { body: payload, params: { id: source.id }, headers: { authorization: auth } });

    expect((await callJson(webhook.POST, { body: mixpanel("members", [member("mp-1")]), params: { id: source.id }, headers: { authorization: `Basic ${Buffer.from("mixpanel:wrong").toString("base64")}` } })).status).toBe(401);
    const full = await send(mixpanel("members", [member("mp-1"), member("mp-2")]));
    expect(full.status).toBe(200);
    expect(full.json).toMatchObject({ action: "members", status: "success", accepted: 2 });
    expect((await traits("mp-1")).cohorts).toEqual(["Power users"]);

    expect((await traits("mp-2")).powerWelcome).toBe(true);
    await send(mixpanel("add_members", [member("mp-3")]));
    await send(mixpanel("remove_members", [member("mp-1")]));
    // Retried: the same session's page is not applied twice (mp-1 stays out after being re-added below).
    await send(mixpanel("add_members", [member("mp-1")], { mixpanel_session_id: "later" }));
    const retried = await send(mixpanel("remove_members", [member("mp-1")]));
    expect(retried.status).toBe(200);
    expect((await traits("mp-1")).cohorts).toEqual(["Power users"]);
    expect((await traits("mp-3")).cohorts).toEqual(["Power users"]);

    // A one-page full sync replaces the membership: mp-2 and mp-3 leave.
    await send(mixpanel("members", [member("mp-1")], { mixpanel_session_id: "full-2" }));
    expect((await traits("mp-2")).cohorts).toEqual([]);
    expect((await traits("mp-3")).cohorts).toEqual([]);

    const isPower = compileCondition({ trait: "cohorts", op: "contains", value: "Power users" });
    expect(isPower({ profileId: "p", traits: await traits("mp-1"), summary: emptySummary(), now: Date.now() } as never)).toBe("yes");
    expect(isPower({ profileId: "p", traits: await traits("mp-2"), summary: emptySummary(), now: Date.now() } as never)).toBe("no");
    const bad = await send({ action: "members" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.length).toBeGreaterThan(0);
  });

  it("Amplitude: in_cohort true and false, users or one user_id", async () => {
    const { source, secret } = (await callJson(sources.POST, { auth: bearer(t.secret), body: { name: "Amplitude", kind: "amplitude" } })).json;
    const send = (payload: unknown) => callJson(webhook.POST, { body: payload, params: { id: source.id }, headers: { "x-pathwise-secret": secret } });
    const entered = await send({ cohort_name: "Churn risk", cohort_id: "7khm89cz", in_cohort: true, computed_time: "1692206763", message_id: "m::enter::0", users: [{ user_id: "am-1" }, { user_id: "am-2" }] });
    expect(entered.json).toMatchObject({ success: true, accepted: 2, cohort: "Churn risk", change: "entered" });
    await send({ cohort_name: "Trial", cohort_id: "t1", in_cohort: "true", message_id: "t::enter::0", user_id: "am-1" });
    expect((await traits("am-1")).cohorts).toEqual(["Churn risk", "Trial"]);
    await send({ cohort_name: "Churn risk", cohort_id: "7khm89cz", in_cohort: false, computed_time: "1692210000", message_id: "m::exit::0", users: [{ user_id: "am-1" }] });
    expect((await traits("am-1")).cohorts).toEqual(["Trial"]);
    expect((await traits("am-2")).cohorts).toEqual(["Churn risk"]);
  });
});
