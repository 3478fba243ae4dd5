// Inbound CRM webhooks on the embedded store: HubSpot- and Salesforce-shaped deliveries change traits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as sources from "@/app/api/v1/sources/route";
import * as webhook from "@/app/api/v1/sources/[id]/webhook/route";
import * as preview from "@/app/api/v1/sources/[id]/preview/route";
import * as rotate from "@/app/api/v1/sources/[id]/rotate/route";
import * as user from "@/app/api/v1/users/[userId]/route";
import { mapPayload, readPath, SourceMapping } from "./sources";
import { bearer, callJson } from "@/lib/testing/routes";
import { setupDb, type TestDb } from "@/lib/testing/db";

describe("mapping", () => {
  it("reads dotted paths and maps records", () => {
    expect(readPath({ a: { b: [1, { c: 2 }] } }, "a.b.1.c")).toBe(2);
    expect(readPath({ a: 1 }, "$")).toEqual({ a: 1 });
    const m = SourceMapping.parse({ records: "items", userId: "id", traits: { email: "props.email" }, event: { name: "CRM Updated", properties: { stage: "props.stage" } } });
    const out = mapPayload(m, { items: [{ id: 7, props: { email: "a@x", stage: "won" } }, { props: {} }] }, "s1", new Date());
    expect(out.records).toBe(2);
    expect(out.errors).toEqual([{ path: "items.1.id", message: expect.any(String) }]);
    expect(out.messages.map((x) => [x.type, x.userId, x.name])).toEqual([["identify", "7", "Identify"], ["track", "7", "CRM Updated"]]);
    expect(out.messages[1].properties).toEqual({ stage: "won" });
  });
});

describe("sources on PGlite", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await setupDb("pglite");
  });
  afterAll(async () => t?.close());

  it("applies a HubSpot contact property change, authenticated by the source secret", async () => {
    const created = await callJson(sources.POST, { auth: bearer(t.secret), body: { name: "HubSpot", kind: "hubspot" } });
    expect(created.status).toBe(201);
    const { source, secret } = created.json;
    const payload = [
      { eventId: 101, subscriptionId: 9, portalId: 1, objectId: 5551, propertyName: "lifecyclestage", propertyValue: "customer", subscriptionType: "contact.propertyChange", occurredAt: 1_717_000_000_000 },
      { eventId: 102, subscriptionId: 9, portalId: 1, objectId: 5551, propertyName: "email", propertyValue: "lead@x.test", subscriptionType: "contact.propertyChange", occurredAt: 1_717_000_000_500 },
    ];
    expect((await callJson(webhook.POST, { body: payload, params: { id: source.id } })).status).toBe(401);
    expect((await callJson(webhook.POST, { body: payload, params: { id: source.id }, headers: { "x-pathwise-secret": "wrong" } })).status).toBe(401);
    const r = await callJson(webhook.POST, { body: payload, params: { id: source.id }, path: `/x?secret=${secret}` });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ success: true, records: 2, accepted: 2 });
    const p = await callJson(user.GET, { auth: bearer(t.secret), params: { userId: "5551" } });
    expect(p.json.traits).toEqual({ lifecyclestage: "customer", email: "lead@x.test" });
    // A retried delivery (same eventIds) is not applied again; a new change is.
    await callJson(webhook.POST, { body: payload, params: { id: source.id }, headers: { "x-pathwise-secret": secret } });
    await callJson(webhook.POST, { body: [{ ...payload[0], eventId: 103, propertyValue: "evangelist" }], params: { id: source.id }, headers: { authorization: `Bearer ${secret}` } });
    const again = await callJson(user.GET, { auth: bearer(t.secret), params: { userId: "5551" } });
    expect(again.json.traits.lifecyclestage).toBe("evangelist");
    expect(again.json.events.filter((e: { name: string }) => e.name === "Identify")).toHaveLength(3);
    const rotated = await callJson(rotate.POST, { auth: bearer(t.secret), params: { id: source.id }, method: "POST" });
    expect((await callJson(webhook.POST, { body: payload, params: { id: source.id }, headers: { "x-pathwise-secret": secret } })).status).toBe(401);
    expect((await callJson(webhook.POST, { body: [{ ...payload[0], eventId: 104 }], params: { id: source.id }, headers: { "x-pathwise-secret": rotated.json.secret } })).status).toBe(200);
  });

  it("applies a Salesforce-shaped record update and previews a mapping", async () => {
    const created = await callJson(sources.POST, { auth: bearer(t.secret), body: { name: "Salesforce", kind: "salesforce" } });
    const { source, secret } = created.json;
    const payload = { totalSize: 1, done: true, records: [{ attributes: { type: "Contact" }, Id: "0035g00000ABCDE", Email: "sf@x.test", FirstName: "Ada", LastName: "L", Title: "CTO", Account: { Name: "Acme" } }] };
    const pv = await callJson(preview.POST, { auth: bearer(t.secret), params: { id: source.id }, body: { payload } });
    expect(pv.json.messages[0]).toMatchObject({ type: "identify", userId: "0035g00000ABCDE", traits: { email: "sf@x.test", company: "Acme" } });
    const r = await callJson(webhook.POST, { body: payload, params: { id: source.id }, headers: { "x-pathwise-secret": secret } });
    expect(r.status).toBe(200);
    const p = await callJson(user.GET, { auth: bearer(t.secret), params: { userId: "0035g00000ABCDE" } });
    expect(p.json.traits).toEqual({ email: "sf@x.test", firstName: "Ada", lastName: "L", title: "CTO", company: "Acme" });
    const bad = await callJson(webhook.POST, { body: { records: [{ Email: "no-id@x.test" }] }, params: { id: source.id }, headers: { "x-pathwise-secret": secret } });
    expect(bad.status).toBe(400);
  });
});
