// The transaction as a unit of work, on both stores: afterCommit hooks run after COMMIT (the rows are
// visible to another connection by then), once per function, never after a rollback; the runtime's
// outbox is one per transaction; writing a job wakes the worker once, after commit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "./client";
import { pgliteTestDb, pgTestDb } from "@/lib/testing/db";
import { outboxOf } from "@/lib/runtime/apply";
import { enqueue } from "@/lib/runtime/jobs";

describe.each(["pglite", "pg"] as const)("unit of work on %s", (kind) => {
  let db: Db;
  beforeAll(async () => {
    db = kind === "pg" ? await pgTestDb() : await pgliteTestDb();
  });
  afterAll(async () => db?.close());

  it("runs afterCommit hooks after the commit, once per function, and not at all after a rollback", async () => {
    const seen: string[] = [];
    const probe = () => seen.push("probe");
    let visibleAtHook: number | null = null;
    await db.tx(async (sql) => {
      await sql.query(`INSERT INTO jobs (queue, key, payload) VALUES ('unit-test', 'unit-1', '{}')`);
      sql.afterCommit(probe);
      sql.afterCommit(probe);
      sql.afterCommit(() => {
        // Another statement outside the transaction sees the row: the hook ran after COMMIT.
        void db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE key = 'unit-1'`).then((r) => {
          visibleAtHook = r[0].n;
        });
      });
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(["probe"]);
    await new Promise((r) => setTimeout(r, 50));
    expect(visibleAtHook).toBe(1);

    const after: string[] = [];
    await expect(
      db.tx(async (sql) => {
        sql.afterCommit(() => after.push("ran"));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(after).toEqual([]);
  });

  it("gives one outbox per transaction and a fresh one outside", async () => {
    await db.tx(async (sql) => {
      expect(outboxOf(sql)).toBe(outboxOf(sql));
    });
    expect(outboxOf(db.sql)).not.toBe(outboxOf(db.sql));
  });

  it("wakes the worker once, after the commit that wrote jobs", async () => {
    const holder = globalThis as unknown as { __pathwiseWorker?: { wake: () => void } };
    const before = holder.__pathwiseWorker;
    let wakes = 0;
    let committedAtWake: number | null = null;
    holder.__pathwiseWorker = {
      wake: () => {
        wakes++;
        void db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE queue = 'unit-wake'`).then((r) => {
          committedAtWake ??= r[0].n;
        });
      },
    };
    try {
      await db.tx(async (sql) => {
        await enqueue(sql, { queue: "unit-wake", key: "w-1" });
        await enqueue(sql, { queue: "unit-wake", key: "w-2" });
        expect(wakes).toBe(0);
      });
      expect(wakes).toBe(1);
      await new Promise((r) => setTimeout(r, 50));
      expect(committedAtWake).toBe(2);
    } finally {
      holder.__pathwiseWorker = before;
    }
  });
});
