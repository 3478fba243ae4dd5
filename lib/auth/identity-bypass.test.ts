// Identity verification against an attacker who holds only the publishable write key: every message
// that names a userId (and an alias's previousId) needs its hash, else 403 and nothing stored; /decide
// with only an anonymousId never shows content of an identified profile. Real route handlers, PGlite.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basic, bearer, callJson } from "@/lib/testing/routes";
import { setupDb, type TestDb } from "@/lib/testing/db";
import { clearIdentitySecretCache } from "./identity-verification";
import { clearFlowCache } from "@/lib/runtime/flow-cache";
import * as track from "@/app/api/v1/track/route";
import * as page from "@/app/api/v1/page/route";
import * as identify from "@/app/api/v1/identify/route";
import * as alias from "@/app/api/v1/alias/route";
import * as batch from "@/app/api/v1/batch/route";
import * as decide from "@/app/api/v1/decide/route";
import * as flows from "@/app/api/v1/flows/route";
import * as publish from "@/app/api/v1/flows/[id]/publish/route";
import * as user from "@/app/api/v1/users/[userId]/route";

const SECRET = "identity-secret-for-tests";
const hashOf = (id: string) => createHmac("sha256", SECRET).update(id).digest("hex");

describe("identity verification with only the write key", () => {
  let t: TestDb;
  let w: string;
  let s: string;
  const events = async (userId: string) => {
    const r = await callJson(user.GET, { auth: s, params: { userId } });
    return r.status === 404 ? null : (r.json.events as { name: string }[]).map((e) => e.name);
  };
  const homeFor = async (body: Record<string, unknown>) => {
    const r = await callJson(decide.POST, { auth: w, body: { placements: ["home"], ...body } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return r.json.decisions.home as { content: string } | null;
  };

  beforeAll(async () => {
    process.env.PATHWISE_IDENTITY_SECRET = SECRET;
    t = await setupDb();
    clearIdentitySecretCache();
    clearFlowCache();
    w = basic(t.write);
    s = bearer(t.secret);
    const graph = {
      nodes: [
        { id: "t1", type: "trigger", data: { on: { type: "event", event: "Viewed" } } },
        { id: "m1", type: "message", data: { channel: "in_app", placement: "home", content: "Hello {{ user.name | default: 'you' }}" } },
      ],
      edges: [{ id: "e1", source: "t1", target: "m1" }],
    };
    const created = await callJson(flows.POST, { auth: s, body: { name: "Greeting", graph } });
    expect(created.status).toBe(201);
    expect((await callJson(publish.POST, { auth: s, method: "POST", params: { id: created.json.id } })).status).toBe(200);
    // The victim, seen by the customer's server (secret key): identified, with a device id and content.
    expect((await callJson(identify.POST, { auth: s, body: { userId: "victim", anonymousId: "victim-device", traits: { name: "Victim" } } })).status).toBe(200);
    expect((await callJson(track.POST, { auth: s, body: { userId: "victim", event: "Viewed" } })).status).toBe(200);
  });
  afterAll(async () => {
    delete process.env.PATHWISE_IDENTITY_SECRET;
    clearIdentitySecretCache();
    await t.close();
  });

  it("track and page naming a userId without its hash: 403, nothing stored", async () => {
    const before = await events("victim");
    for (const [handler, body] of [
      [track.POST, { userId: "victim", anonymousId: "mine", event: "Viewed" }],
      [track.POST, { userId: "victim", anonymousId: "mine", event: "Viewed", userHash: hashOf("someone-else") }],
      [page.POST, { userId: "victim", anonymousId: "mine", name: "Home" }],
      [batch.POST, { batch: [{ type: "track", anonymousId: "mine", event: "Fine" }, { type: "page", userId: "victim", name: "Home" }] }],
    ] as const) {
      const r = await callJson(handler, { auth: w, body });
      expect(r.status, JSON.stringify(body)).toBe(403);
      expect(r.json.error.code).toBe("forbidden");
    }
    expect(await events("victim")).toEqual(before);
    // Nothing was stored for the attacker's device either: the batch was refused whole.
    expect(await homeFor({ anonymousId: "mine" })).toBeNull();
  });

  it("/decide with only an anonymousId never returns an identified profile's content", async () => {
    expect((await homeFor({ userId: "victim", userHash: hashOf("victim") }))?.content).toBe("Hello Victim");
    expect(await homeFor({ anonymousId: "victim-device" })).toBeNull();
    // A verified userId of one's own does not open another person's device id either.
    expect(await homeFor({ userId: "attacker", userHash: hashOf("attacker"), anonymousId: "victim-device" })).toBeNull();
  });

  it("alias needs the previousId's hash too: the victim is not merged into the attacker", async () => {
    const r = await callJson(alias.POST, { auth: w, body: { previousId: "victim", userId: "attacker", userHash: hashOf("attacker") } });
    expect(r.status).toBe(403);
    const r2 = await callJson(alias.POST, { auth: w, body: { previousId: "victim-device", userId: "attacker", userHash: hashOf("attacker") } });
    expect(r2.status).toBe(403);
    expect(await callJson(user.GET, { auth: s, params: { userId: "attacker" } }).then((x) => x.status)).toBe(404);
    expect(await homeFor({ userId: "attacker", userHash: hashOf("attacker") })).toBeNull();
    // With both hashes the alias is the customer's server speaking: accepted.
    const ok = await callJson(alias.POST, { auth: w, body: { previousId: "dev-9", userId: "u9", userHash: hashOf("u9"), previousIdHash: hashOf("dev-9") } });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
  });

  it("verified and anonymous traffic still works, and an anonymous profile still gets its content", async () => {
    expect((await callJson(track.POST, { auth: w, body: { userId: "u1", event: "Viewed", userHash: hashOf("u1") } })).status).toBe(200);
    expect((await callJson(track.POST, { auth: w, body: { anonymousId: "anon-1", event: "Viewed" } })).status).toBe(200);
    expect((await homeFor({ anonymousId: "anon-1" }))?.content).toBe("Hello you");
    expect((await callJson(batch.POST, { auth: w, body: { batch: [{ type: "page", userId: "u1", name: "x", userHash: hashOf("u1") }, { type: "track", anonymousId: "anon-1", event: "E" }] } })).status).toBe(200);
    // The secret key is trusted.
    expect((await callJson(track.POST, { auth: s, body: { userId: "victim", event: "Other" } })).status).toBe(200);
  });
});
