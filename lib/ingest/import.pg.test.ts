// A 100,000-row CSV import on PostgreSQL in bounded memory: the peak RSS while the import job runs
// stays within a fixed allowance above the baseline, whatever the file size.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createImport, getImport } from "./import";
import { drainImports } from "@/lib/testing/imports";
import { setupDb, type TestDb } from "@/lib/testing/db";

const ROWS = 100_000;

describe("large import on PostgreSQL", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await setupDb("pg");
  });
  afterAll(async () => t?.close());

  it(`imports ${ROWS} rows with a bad one in bounded memory`, { timeout: 600_000 }, async () => {
    const lines = ["userId,email,plan,seats,active,signup"];
    for (let i = 1; i <= ROWS; i++) lines.push(i === 5000 ? `,missing@x.test,pro,1,true,2024-01-01` : `big-${i},user${i}@example.com,${i % 3 ? "pro" : "free"},${i % 50},${i % 2 === 0},2024-01-${String((i % 28) + 1).padStart(2, "0")}`);
    const data = Buffer.from(lines.join("\n"), "utf8");
    lines.length = 0;
    const created = await createImport(t.db, { data, format: "csv", source: "big.csv" });
    if (!created.ok) throw new Error(created.message);
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const started = performance.now();
    await drainImports(t.db);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    const status = await getImport(t.db.sql, created.id);
    const mb = (n: number) => Math.round(n / 1048576);
    console.log(`[import] ${ROWS} rows (${mb(data.length)} MB) in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)} rows/s); RSS baseline ${mb(baseline)} MB, peak ${mb(peak)} MB (+${mb(peak - baseline)} MB)`);
    expect(status).toMatchObject({ status: "done", total: ROWS, done: ROWS - 1, failed: 1, errors: [{ row: 5000 }] });
    const [{ n }] = await t.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM profiles WHERE user_id LIKE 'big-%'`);
    expect(n).toBe(ROWS - 1);
    const [p] = await t.db.sql.query<{ traits: Record<string, unknown> }>(`SELECT traits FROM profiles WHERE user_id = 'big-7'`);
    expect(p.traits).toEqual({ email: "user7@example.com", plan: "pro", seats: 7, active: false, signup: "2024-01-08" });
    expect(peak - baseline).toBeLessThan(150 * 1048576);
  });
});
