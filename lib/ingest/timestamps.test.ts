// Timestamps PostgreSQL cannot store (year 0000, past 9999) are bad input: 400 naming the field, never
// a 500, and in a batch the index is named. Real route handlers on PGlite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as track from "@/app/api/v1/track/route";
import * as batch from "@/app/api/v1/batch/route";
import { basic, callJson } from "@/lib/testing/routes";
import { setupDb, type TestDb } from "@/lib/testing/db";

describe("out-of-range timestamps", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await setupDb();
  });
  afterAll(() => t.close());

  for (const ts of ["0000-01-01T00:00:00Z", "0000-12-31", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00"]) {
    it(`${ts}: 400 naming timestamp`, async () => {
      const r = await callJson(track.POST, { auth: basic(t.write), body: { userId: "u", event: "E", timestamp: ts } });
      expect(r.status, JSON.stringify(r.json)).toBe(400);
      expect(r.json.error.details[0].path).toBe("timestamp");
      const b = await callJson(batch.POST, { auth: basic(t.write), body: { batch: [{ type: "track", userId: "u", event: "E" }, { type: "track", userId: "u", event: "E", timestamp: ts }] } });
      expect(b.status).toBe(400);
      expect(b.json.error.details[0].path).toBe("batch.1.timestamp");
    });
  }

  it("the first and last storable instants are accepted", async () => {
    for (const ts of ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z"]) {
      const r = await callJson(track.POST, { auth: basic(t.write), body: { userId: "u", event: "E", timestamp: ts } });
      expect(r.status, `${ts} ${JSON.stringify(r.json)}`).toBe(200);
    }
  });
});
