// Proves that schema.prisma and the hand-written migrations agree: every model is created, read,
// updated and deleted through the generated client on a freshly migrated PGlite and PostgreSQL, and
// the migrations are recorded as Prisma records them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { openDb, type Db } from "./client";
import { createPgDatabase } from "@/lib/testing/db";
import { readSchemaMigrations } from "./migrate";

async function exerciseEveryModel(db: Db) {
  const p = db.prisma;
  const account = await p.account.create({ data: { email: `a${Date.now()}@example.com`, passwordHash: "x", role: "editor" } });
  expect((await p.account.findUnique({ where: { id: account.id } }))?.role).toBe("editor");
  await p.account.update({ where: { id: account.id }, data: { name: "Ann" } });
  const session = await p.session.create({ data: { id: "s1", accountId: account.id, expiresAt: new Date(Date.now() + 1000) } });
  expect(session.lastSeenAt).toBeInstanceOf(Date);
  await p.session.update({ where: { id: "s1" }, data: { lastSeenAt: new Date() } });

  const key = await p.apiKey.create({ data: { kind: "write", name: "web", hash: "h1", prefix: "pw_wk_x" } });
  await p.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
  const audit = await p.auditLog.create({ data: { actor: "me", action: "test", details: { a: 1 } } });
  expect(typeof audit.id).toBe("bigint");

  const flow = await p.flow.create({ data: { name: "F", draft: { graph: { nodes: [], edges: [] } } } });
  expect(flow.status).toBe("draft");
  const version = await p.flowVersion.create({ data: { flowId: flow.id, version: 1, graph: {}, settings: {} } });
  await p.flow.update({ where: { id: flow.id }, data: { activeVersionId: version.id, version: 1, status: "active" } });

  const profile = await p.profile.create({ data: { userId: "u1", traits: { role: "admin" } } });
  const identity = await p.identity.create({ data: { profileId: profile.id, kind: "user", value: "u1" } });
  await p.identityDirectory.create({ data: { kind: "user", value: "u1", profileId: profile.id } });
  const event = await p.event.create({ data: { profileId: profile.id, type: "track", name: "Viewed", timestamp: new Date(), messageId: "m1" } });
  await p.event.update({ where: { profileId_timestamp_id: { profileId: profile.id, timestamp: event.timestamp, id: event.id } }, data: { violations: [{ property: "x" }] } });
  await p.eventSummary.create({ data: { profileId: profile.id, name: "Viewed", stats: { total: 1, first: 1, last: 1, recent: [] } } });
  await p.eventSummary.update({ where: { profileId_name: { profileId: profile.id, name: "Viewed" } }, data: { stats: { total: 2, first: 1, last: 2, recent: [] } } });
  await p.eventDedupe.create({ data: { profileId: profile.id, scope: "user:u1", messageId: "m1" } });
  const run = await p.run.create({ data: { flowId: flow.id, flowVersionId: version.id, version: 1, profileId: profile.id, nodeId: "t" } });
  const step = await p.step.create({ data: { profileId: profile.id, runId: run.id, flowId: flow.id, nodeId: "t", result: "next", key: "k1" } });
  const tp = await p.touchpoint.create({ data: { key: "tp1", runId: run.id, flowId: flow.id, nodeId: "m", profileId: profile.id, channel: "in_app", placement: "home" } });
  const outcome = await p.outcome.create({ data: { profileId: profile.id, touchpointId: tp.id, flowId: flow.id, nodeId: "m", type: "shown" } });
  const job = await p.job.create({ data: { profileId: profile.id, queue: "timer", key: "j1", payload: { runId: run.id } } });
  const imp = await p.import.create({ data: { format: "csv", data: Buffer.from("userId\nu1\n") } });

  await p.run.update({ where: { profileId_id: { profileId: profile.id, id: run.id } }, data: { status: "completed", endedAt: new Date() } });
  await p.touchpoint.update({ where: { profileId_id: { profileId: profile.id, id: tp.id } }, data: { status: "sent" } });
  await p.job.update({ where: { profileId_id: { profileId: profile.id, id: job.id } }, data: { attempts: 1 } });
  await p.import.update({ where: { id: imp.id }, data: { status: "done", done: 1, total: 1 } });
  expect(Buffer.from((await p.import.findUniqueOrThrow({ where: { id: imp.id } })).data!).toString()).toContain("u1");

  // Unique constraints the runtime relies on (each includes the profile id: see lib/db/distribution.ts).
  await expect(p.step.create({ data: { profileId: profile.id, runId: run.id, flowId: flow.id, nodeId: "t", result: "next", key: "k1" } })).rejects.toThrow();
  await expect(p.identityDirectory.create({ data: { kind: "user", value: "u1", profileId: "someone-else" } })).rejects.toThrow();
  await expect(p.eventDedupe.create({ data: { profileId: profile.id, scope: "user:u1", messageId: "m1" } })).rejects.toThrow();

  // The tables later migrations added: settings, CRM sources, result rollups, policies.
  await p.systemSetting.create({ data: { key: "k", value: "v" } });
  await p.systemSetting.update({ where: { key: "k" }, data: { value: "w" } });
  expect((await p.systemSetting.findUniqueOrThrow({ where: { key: "k" } })).value).toBe("w");
  await p.systemSetting.delete({ where: { key: "k" } });
  await p.dataSetting.create({ data: { key: "plan", value: { events: {} } } });
  await p.dataSetting.update({ where: { key: "plan" }, data: { value: { events: { a: 1 } } } });
  await p.dataSetting.delete({ where: { key: "plan" } });
  const source = await p.source.create({ data: { name: "CRM", secretHash: "sh", secretPrefix: "src_", mapping: { userId: "$.id" } } });
  await p.source.update({ where: { id: source.id }, data: { receivedCount: 1, config: { queue: "q" }, credentials: "v1.x", consumedCount: 2n, failedCount: 1n } });
  await p.sourceConsumer.create({ data: { sourceId: source.id, instance: "i1", status: "connected", lag: 3n } });
  await p.sourceConsumer.update({ where: { sourceId_instance: { sourceId: source.id, instance: "i1" } }, data: { status: "error", lastError: "down" } });
  const dead = await p.sourceDeadLetter.create({ data: { sourceId: source.id, reason: "bad_json", message: "m", body: "{", size: 1 } });
  await p.sourceDeadLetter.update({ where: { id: dead.id }, data: { replayedAt: new Date(), attempts: 2 } });
  expect((await p.sourceDeadLetter.findUniqueOrThrow({ where: { id: dead.id } })).encoding).toBe("utf8");
  expect((await p.source.findUniqueOrThrow({ where: { id: source.id } })).kind).toBe("custom");
  await p.source.delete({ where: { id: source.id } });
  const counterKey = { flowId: flow.id, day: new Date("2026-01-01"), hour: 3, metric: "test", dim1: "", dim2: "", shard: 0 };
  await p.resultCounter.create({ data: { ...counterKey, n: BigInt(2) } });
  await p.resultCounter.update({ where: { flowId_day_hour_metric_dim1_dim2_shard: counterKey }, data: { n: { increment: 1 } } });
  expect((await p.resultCounter.findUniqueOrThrow({ where: { flowId_day_hour_metric_dim1_dim2_shard: counterKey } })).n).toBe(BigInt(3));
  await p.resultCounter.delete({ where: { flowId_day_hour_metric_dim1_dim2_shard: counterKey } });
  const volumeKey = { hour: new Date("2020-01-01T05:00:00Z"), shard: 3 };
  await p.eventVolume.create({ data: { ...volumeKey, n: BigInt(1) } });
  await p.eventVolume.update({ where: { hour_shard: volumeKey }, data: { n: BigInt(5) } });
  await p.eventVolume.delete({ where: { hour_shard: volumeKey } });
  await p.workspaceSetting.create({ data: { key: "policies", value: { caps: [] } } });
  await p.workspaceSetting.update({ where: { key: "policies" }, data: { updatedBy: "me" } });
  await p.workspaceSetting.delete({ where: { key: "policies" } });
  const counterId = { profileId: profile.id, channel: "email", period: "day:2026-01-01" };
  await p.sendCounter.create({ data: { ...counterId, count: 1, expiresAt: new Date() } });
  await p.sendCounter.update({ where: { profileId_channel_period: counterId }, data: { count: 2 } });
  expect((await p.sendCounter.findUniqueOrThrow({ where: { profileId_channel_period: counterId } })).count).toBe(2);
  await p.group.create({ data: { id: "acme", traits: { plan: "enterprise" } } });
  await p.group.update({ where: { id: "acme" }, data: { traits: { plan: "team" } } });
  await p.groupMember.create({ data: { profileId: profile.id, groupId: "acme" } });
  expect((await p.groupMember.findUniqueOrThrow({ where: { profileId_groupId: { profileId: profile.id, groupId: "acme" } } })).joinedAt).toBeInstanceOf(Date);

  // Test cases: one row per flow and version (0: the draft), gone with the flow.
  await p.flowTestSuite.create({ data: { flowId: flow.id, version: 0, cases: [{ name: "c" }] } });
  await p.flowTestSuite.update({ where: { flowId_version: { flowId: flow.id, version: 0 } }, data: { updatedBy: "me" } });
  await p.flowTestSuite.create({ data: { flowId: flow.id, version: 1, cases: [] } });
  await expect(p.flowTestSuite.create({ data: { flowId: flow.id, version: 1, cases: [] } })).rejects.toThrow();

  await p.outcome.delete({ where: { profileId_id: { profileId: profile.id, id: outcome.id } } });
  await p.step.delete({ where: { profileId_id: { profileId: profile.id, id: step.id } } });
  await p.identity.delete({ where: { profileId_id: { profileId: profile.id, id: identity.id } } });
  await p.identityDirectory.delete({ where: { kind_value: { kind: "user", value: "u1" } } });
  await p.job.delete({ where: { profileId_id: { profileId: profile.id, id: job.id } } });
  await p.import.delete({ where: { id: imp.id } });
  await p.auditLog.delete({ where: { id: audit.id } });
  await p.apiKey.delete({ where: { id: key.id } });
  // Deleting a profile cascades to its events, runs and touchpoints.
  await p.profile.delete({ where: { id: profile.id } });
  expect(await p.event.count()).toBe(0);
  expect(await p.run.count()).toBe(0);
  expect(await p.touchpoint.count()).toBe(0);
  expect(await p.sendCounter.count()).toBe(0);
  expect(await p.eventSummary.count()).toBe(0);
  expect(await p.eventDedupe.count()).toBe(0);
  // Memberships go with the person; the group (an account) stays.
  expect(await p.groupMember.count()).toBe(0);
  expect((await p.group.findUniqueOrThrow({ where: { id: "acme" } })).traits).toEqual({ plan: "team" });
  await p.group.delete({ where: { id: "acme" } });
  await p.flow.delete({ where: { id: flow.id } });
  expect(await p.flowVersion.count()).toBe(0);
  expect(await p.flowTestSuite.count()).toBe(0);
  await p.account.delete({ where: { id: account.id } });
  expect(await p.session.count()).toBe(0);
}

async function expectMigrationsRecorded(db: Db) {
  const rows = await db.sql.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
    `SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name`,
  );
  const files = readSchemaMigrations();
  expect(rows.map((r) => r.migration_name)).toEqual(files.map((m) => m.name));
  expect(rows.map((r) => r.checksum)).toEqual(files.map((m) => m.checksum));
  for (const r of rows) {
    expect(r.finished_at).toBeInstanceOf(Date);
    expect(r.applied_steps_count).toBe(1);
  }
}

describe("schema on PGlite", () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb({ pglite: new PGlite() });
  });
  afterAll(() => db.close());

  it("exercises every model through the generated client", () => exerciseEveryModel(db));
  it("records migrations with Prisma's checksums", () => expectMigrationsRecorded(db));
});

describe("schema on PostgreSQL", () => {
  let url: string;
  let drop: () => Promise<void>;
  let db: Db;
  beforeAll(async () => {
    ({ url, drop } = await createPgDatabase());
    // Two processes starting together: the advisory lock makes one wait while the other migrates.
    const [a, b] = await Promise.all([openDb({ databaseUrl: url, poolSize: 2 }), openDb({ databaseUrl: url, poolSize: 2 })]);
    await b.close();
    db = a;
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it("exercises every model through the generated client", () => exerciseEveryModel(db));
  it("records each migration once even when two processes start together", () => expectMigrationsRecorded(db));
  it("applies nothing the second time", async () => {
    const again = await openDb({ databaseUrl: url, poolSize: 1 });
    await again.close();
    const n = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM _prisma_migrations`);
    expect(n[0].n).toBe(readSchemaMigrations().length);
  });
});
