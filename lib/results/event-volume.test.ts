// Home's event volume counts events on the day they happened, not the day they were received (a
// history sent late, as the demo and imports of old events do, must not spike today), on both stores.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { STORES } from "@/lib/testing/db";
import { ingest, seedProfile } from "@/lib/testing/runtime";
import { isoDay } from "./rollups";
import { getOverview } from "./overview";

const DAY = 86_400_000;

describe.each(STORES)("event volume by event time on $name", ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.close();
  });

  it("puts an event sent today with a timestamp three days back on its own day", async () => {
    const now = new Date();
    const then = new Date(now.getTime() - 3 * DAY);
    const pid = await seedProfile(db, "late-sender");
    await ingest(db, pid, [{ name: "Page Viewed", timestamp: then }, { name: "Page Viewed", timestamp: then }, { name: "Page Viewed" }], { now });
    const o = await getOverview(db.sql, { days: 30, now });
    const byDay = new Map(o.events.daily.map((d) => [d.day, d.count]));
    expect(byDay.get(isoDay(then))).toBe(2);
    expect(byDay.get(isoDay(now))).toBe(1);
    expect(o.events.last24h).toBe(1);
  });
});
