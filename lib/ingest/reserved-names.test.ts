// Names that are also Object.prototype members (constructor, __proto__, toString, hasOwnProperty,
// valueOf) used as event names, property names, trait names, placements and split branch ids: through
// /track, /identify, a published flow's conditions and Liquid, /decide and /stats, never a 500 and
// never confused with the prototype.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { call, keyFor } from "@/lib/testing/routes";
import { installTestDb, removeTestDb } from "@/lib/testing/db";
import * as flows from "@/app/api/v1/flows/route";
import * as publish from "@/app/api/v1/flows/[id]/publish/route";
import * as track from "@/app/api/v1/track/route";
import * as identify from "@/app/api/v1/identify/route";
import * as decide from "@/app/api/v1/decide/route";
import * as stats from "@/app/api/v1/flows/[id]/stats/route";
import * as user from "@/app/api/v1/users/[userId]/route";
import { clearFlowCache } from "@/lib/runtime/flow-cache";

const NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"] as const;

function flowFor(name: string) {
  return {
    nodes: [
      { id: "t1", type: "trigger", data: { on: { type: "event", event: name, where: [{ property: name, op: "exists" }] } } },
      {
        id: "c1",
        type: "condition",
        data: {
          if: {
            all: [
              { event: name, where: [{ property: name, op: "eq", value: "p" }], within: "P1D", count: { gte: 1 } },
              { trait: name, op: "eq", value: "t" },
            ],
          },
        },
      },
      { id: "s1", type: "split", data: { branches: [{ id: name, weight: 100, label: "only" }] } },
      { id: "m1", type: "message", data: { channel: "in_app", placement: name, content: `[{{ user.${name} }}|{{ event.properties.${name} }}|{{ event.name }}]` } },
    ],
    edges: [
      { id: "e1", source: "t1", target: "c1" },
      { id: "e2", source: "c1", target: "s1", sourceHandle: "yes" },
      { id: "e3", source: "s1", target: "m1", sourceHandle: name },
    ],
  };
}

describe("prototype member names as user-supplied keys", () => {
  let db: Db;
  let secret: string;
  let write: string;

  beforeAll(async () => {
    db = await installTestDb();
    clearFlowCache();
    secret = await keyFor(db, "secret");
    write = await keyFor(db, "write");
  });
  afterAll(async () => removeTestDb(db));

  for (const name of NAMES) {
    it(`"${name}" through track, conditions, Liquid, decide and stats`, async () => {
      const u = `user-${name}`;
      const created = await call(flows.POST, "/api/v1/flows", { caller: { key: secret }, body: { name: `flow ${name}`, graph: flowFor(name) } });
      expect(created.status, await created.clone().text()).toBe(201);
      const flow = (await created.json()) as { id: string; problems: unknown[] };
      expect(flow.problems).toEqual([]);
      const pub = await call(publish.POST, `/api/v1/flows/${flow.id}/publish`, { caller: { key: secret }, method: "POST" }, { id: flow.id });
      expect(pub.status, await pub.clone().text()).toBe(200);

      const idf = await call(identify.POST, "/api/v1/identify", { caller: { key: write }, body: { userId: u, traits: { [name]: "t" } } });
      expect(idf.status, await idf.clone().text()).toBe(200);
      // A first event of that name with the property absent, then the one that lets the user in.
      const first = await call(track.POST, "/api/v1/track", { caller: { key: write }, body: { userId: u, event: name } });
      expect(first.status, await first.clone().text()).toBe(200);
      const res = await call(track.POST, "/api/v1/track", { caller: { key: write }, body: { userId: u, event: name, properties: JSON.parse(`{"${name}":"p"}`) } });
      expect(res.status, await res.clone().text()).toBe(200);

      const profile = await call(user.GET, `/api/v1/users/${u}`, { caller: { key: secret } }, { userId: u });
      expect(profile.status).toBe(200);
      const p = (await profile.json()) as { traits: Record<string, unknown>; events: { name: string }[] };
      expect(Object.getOwnPropertyDescriptor(p.traits, name)?.value).toBe("t");
      expect(p.events.filter((e) => e.name === name)).toHaveLength(2);

      const d = await call(decide.POST, "/api/v1/decide", { caller: { key: write }, body: { userId: u, placements: [name, "other"] } });
      expect(d.status, await d.clone().text()).toBe(200);
      const body = (await d.json()) as { decisions: Record<string, { content: string; variant?: string } | null> };
      const decision = Object.getOwnPropertyDescriptor(body.decisions, name)?.value as { content: string; variant?: string } | null;
      expect(decision?.content).toBe(`[t|p|${name}]`);
      expect(decision?.variant).toBe(name);
      expect(body.decisions.other).toBeNull();

      // A user who never sent the event is not in the flow, whatever the prototype holds.
      const stranger = await call(decide.POST, "/api/v1/decide", { caller: { key: write }, body: { userId: `stranger-${name}`, placements: [name] } });
      expect(stranger.status).toBe(200);
      expect(Object.getOwnPropertyDescriptor(((await stranger.json()) as { decisions: object }).decisions, name)?.value).toBeNull();

      const s = await call(stats.GET, `/api/v1/flows/${flow.id}/stats`, { caller: { key: secret } }, { id: flow.id });
      expect(s.status, await s.clone().text()).toBe(200);
      const st = (await s.json()) as { entered: number; nodes: Record<string, { entered: number }>; variants: Record<string, Record<string, { entered: number }>> };
      expect(st.entered).toBe(1);
      expect(st.nodes.m1.entered).toBe(1);
      expect(Object.getOwnPropertyDescriptor(st.variants.s1, name)?.value?.entered).toBe(1);
    });
  }
});
