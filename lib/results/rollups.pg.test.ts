// The trigger-kept rollups equal a from-scratch count after mixed writes, on PostgreSQL.
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { pgTestDb } from "@/lib/testing/db";
import { checkRollupsEqualScan } from "./rollups.shared";

describe("results rollups on PostgreSQL", () => {
  let db: Db;
  beforeAll(async () => {
    db = await pgTestDb();
  });
  afterAll(async () => db?.close());

  it("equal a count from scratch after mixed inserts, updates and deletes", async () => {
    await checkRollupsEqualScan(db, 11, 600);
  });

  it("stay exact under concurrent writers", async () => {
    await Promise.all([checkRollupsEqualScan(db, 21, 150), checkRollupsEqualScan(db, 31, 150)]);
  });
});
