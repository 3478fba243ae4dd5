// The trigger-kept rollups equal a from-scratch count after mixed writes, on PGlite.
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { pgliteTestDb } from "@/lib/testing/db";
import { checkRollupsEqualScan } from "./rollups.shared";

describe("results rollups on PGlite", () => {
  let db: Db;
  beforeAll(async () => {
    db = await pgliteTestDb();
  });
  afterAll(async () => db?.close());

  it("equal a count from scratch after mixed inserts, updates and deletes", async () => {
    await checkRollupsEqualScan(db, 7, 400);
  });
});
