// The ingestion pipeline: one transaction per request. Resolves identities (merging an anonymous
// profile into its user's), locks every affected profile in a stable order, writes the events with
// multi-row inserts (messageId dedupe per user through event_dedupe), updates traits, the event summary
// (only the names touched) and the engagement score, then lets the executor move the profile's flows
// in the same transaction.
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { updateSummary, type EventSummary } from "@/lib/conditions";
import { loadSummaries, loadSummary, saveSummaries, type SummaryChange } from "@/lib/runtime/summaries";
import { runFlowsForBatch } from "@/lib/runtime/execute";
import type { ProfileState, StoredEvent } from "@/lib/runtime/types";
import { metrics } from "@/lib/http/metrics";
import type { Message, Problem } from "./messages";
import { loadSettings, type DataSettings } from "./settings";
import { planFor, type Violation } from "./tracking-plan";
import { engagementScore } from "./engagement";
import { applyTraits, mergeSummaries } from "./profile-math";
import { applyGroupCalls, moveMemberships } from "@/lib/profiles/groups";
import { dict, own } from "@/lib/dict";
import { RENDER_BUDGET_MS, withRenderBudget } from "@/lib/liquid/budget";
import { itemsOfEvent, moveItemActivity, recordItemActivity, type ItemActivity } from "@/lib/catalog/activity";

export type IngestOptions = {
  receivedAt?: Date;
  /** Messages came in a batch: problem paths start with "batch.<index>". */
  batch?: boolean;
  /** Store each message as an event (default). Imports only update profiles. */
  storeEvents?: boolean;
  /** Let the executor move flows (default). */
  runFlows?: boolean;
};

export type IngestOutcome =
  | { ok: true; accepted: number; stored: number; duplicates: number; profileIds: string[] }
  | { ok: false; status: 400; code: string; message: string; details: Problem[] };

/** A transaction lost a race with another writer (an identity or profile changed under it): run it again. */
export class RetryIngest extends Error {}

/**
 * Whose messageId this is (docs/api.md §4): the user's when the message names one, else the anonymous id's.
 * The same messageId under another scope is another message, so a publishable write key cannot
 * swallow someone else's events by sending their messageIds first.
 */
export function dedupeScope(m: Pick<Message, "userId" | "anonymousId">): string {
  return m.userId !== null ? `user:${m.userId}` : `anonymous:${m.anonymousId}`;
}

// 23503: a concurrent merge deleted the profile an identity or event was about to point at.
const RETRYABLE_CODES = new Set(["40P01", "40001", "23505", "23503"]);
const MAX_ATTEMPTS = 6;

/** One ingestion call: its flows' templates share one rendering budget (lib/liquid/render.ts). */
export function ingest(db: Db, input: Message[], opts: IngestOptions = {}): Promise<IngestOutcome> {
  return withRenderBudget(RENDER_BUDGET_MS, async () => {
    const prepared = await prepareIngest(db, input, opts);
    if (!prepared.ok) return prepared;
    const [out] = await commitIngest(db, [prepared]);
    return out;
  });
}

/** One request's messages, checked and ready to be written (alone, or grouped with others'). */
export type PreparedIngest = {
  ok: true;
  input: Message[];
  /** Without in-request duplicates (the first occurrence wins). */
  messages: Message[];
  receivedAt: Date;
  storeEvents: boolean;
  runFlows: boolean;
  settings: DataSettings;
  violations: Map<number, Violation[]>;
};

/** Everything ingestion checks before a transaction: in-request duplicates and the tracking plan. */
export async function prepareIngest(db: Db, input: Message[], opts: IngestOptions = {}): Promise<PreparedIngest | Extract<IngestOutcome, { ok: false }>> {
  const receivedAt = opts.receivedAt ?? new Date();
  const storeEvents = opts.storeEvents !== false;
  const settings = await loadSettings(db.sql);

  // Duplicates within one request: the first occurrence for the same user wins, as across requests.
  const seen = new Set<string>();
  const messages = input.filter((m) => {
    const k = `${dedupeScope(m)}\n${m.messageId}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });

  // Tracking plan, before anything is stored.
  const plan = planFor(settings.plan);
  const violations = new Map<number, Violation[]>();
  if (settings.plan.events.length) {
    const problems: Problem[] = [];
    for (const m of messages) {
      if (m.type !== "track" && m.type !== "page" && m.type !== "screen") continue;
      const v = plan.check(m.name, m.properties);
      if (!v.length) continue;
      if (plan.mode === "reject") {
        const prefix = opts.batch ? `batch.${m.index}.` : "";
        for (const x of v) problems.push({ path: `${prefix}properties.${x.property}`, message: x.message, code: "tracking_plan" });
      } else violations.set(m.index, v);
    }
    if (problems.length) {
      return { ok: false, status: 400, code: "tracking_plan_violation", message: `Rejected by the tracking plan: ${problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join("; ")}`, details: problems };
    }
  }
  return { ok: true, input, messages, receivedAt, storeEvents, runFlows: opts.runFlows !== false && storeEvents, settings, violations };
}

/**
 * Writes several prepared requests in ONE transaction (group commit), as if they had come one after
 * the other: messages keep their request order, a messageId repeated (for the same person) by a later
 * request is that request's duplicate, and each request gets its own outcome. All of them share the same options
 * (callers group only alike requests). Retries the transaction when it lost a race; throws what it
 * cannot retry, for the caller to fall back to one transaction per request.
 */
export async function commitIngest(db: Db, group: PreparedIngest[]): Promise<Array<Extract<IngestOutcome, { ok: true }>>> {
  const first = group[0];
  let messages: Message[] = first.messages;
  let violations = first.violations;
  let receivedAt = first.receivedAt;
  // Each request's messages, renumbered to be unique in the group (index orders a profile's messages
  // of the same timestamp and keys the plan's violations).
  const owners: Array<{ request: number; message: Message }> = [];
  if (group.length > 1) {
    messages = [];
    violations = new Map();
    const seen = new Set<string>();
    let offset = 0;
    group.forEach((p, request) => {
      if (p.receivedAt > receivedAt) receivedAt = p.receivedAt;
      let top = 0;
      for (const m of p.messages) {
        top = Math.max(top, m.index + 1);
        const k = `${dedupeScope(m)}\n${m.messageId}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const copy = { ...m, index: offset + m.index };
        messages.push(copy);
        owners.push({ request, message: copy });
        const v = p.violations.get(m.index);
        if (v) violations.set(copy.index, v);
      }
      offset += top;
    });
  }
  let attempt = 0;
  for (;;) {
    attempt++;
    try {
      const out = await db.tx((sql) => ingestTx(sql, db.kind, messages, { receivedAt, storeEvents: first.storeEvents, runFlows: first.runFlows, settings: first.settings, violations }));
      const m = metrics();
      m.counter("pathwise_ingested_messages_total", "Messages accepted by ingestion, by outcome", ["outcome"]).inc({ outcome: "stored" }, out.stored);
      // Stored already, or repeated by an earlier request of the group.
      const duplicates = out.duplicates + group.reduce((n, p) => n + p.messages.length, 0) - messages.length;
      if (duplicates) m.counter("pathwise_ingested_messages_total", "Messages accepted by ingestion, by outcome", ["outcome"]).inc({ outcome: "duplicate" }, duplicates);
      if (group.length === 1) return [{ ok: true, accepted: first.input.length, stored: out.stored, duplicates: out.duplicates, profileIds: out.profileIds }];
      return group.map((p, request) => {
        const mine = owners.filter((o) => o.request === request);
        const stored = first.storeEvents ? mine.filter((o) => out.storedIds.has(o.message.index)).length : 0;
        return { ok: true as const, accepted: p.input.length, stored, duplicates: p.messages.length - stored, profileIds: [...new Set(mine.map((o) => out.profileOf.get(o.message.index)!))] };
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      const retry = err instanceof RetryIngest || (code !== undefined && RETRYABLE_CODES.has(code));
      if (!retry || attempt >= MAX_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}

type Ctx = {
  receivedAt: Date;
  storeEvents: boolean;
  runFlows: boolean;
  settings: DataSettings;
  violations: Map<number, Violation[]>;
};

type ProfileRow = {
  id: string;
  user_id: string | null;
  traits: Record<string, unknown>;
  first_seen: Date;
  last_seen: Date;
  identified_at: Date | null;
};

async function ingestTx(sql: Sql, kind: Db["kind"], messages: Message[], ctx: Ctx) {
  const resolver = new Resolver(sql, kind);
  await resolver.load(messages);
  const owner: string[] = [];
  for (const m of messages) owner[m.index] = await resolver.resolve(m);
  await resolver.flush();
  const profileOf = (m: Message) => resolver.final(owner[m.index]);

  // Every affected profile, locked. The stored ones were locked and read by the resolver (in id order,
  // a stable order, so two requests never deadlock here); only those created or changed since (a new
  // profile, a merge's survivor, a new user id) are read again, in id order too.
  const ids = [...new Set(messages.map(profileOf))].sort();
  const rowById = new Map<string, ProfileRow>();
  const missing: string[] = [];
  for (const id of ids) {
    const row = resolver.lockedRow(id);
    if (row) rowById.set(id, row);
    else missing.push(id);
  }
  if (missing.length) {
    const more = await sql.query<ProfileRow>(
      `SELECT p.id, p.user_id, p.traits, p.first_seen, p.last_seen, p.identified_at FROM profiles p WHERE p.id = ANY($1::text[]) ORDER BY p.id FOR UPDATE`,
      [missing],
    );
    if (more.length !== missing.length) throw new RetryIngest("a profile was merged or erased meanwhile");
    for (const r of more) rowById.set(r.id, r);
  }
  const summaries = await loadSummaries(sql, ids);

  // Events, in one statement: the messageIds are claimed in event_dedupe first (per person and scope),
  // and only the messages whose claim is new are inserted into events.
  const eventIds = new Map<string, number>();
  const eventKey = (profileId: string, messageId: string) => `${profileId}\n${messageId}`;
  if (ctx.storeEvents && messages.length) {
    const records = messages.map((m) => ({
      profile_id: profileOf(m),
      scope: dedupeScope(m),
      type: m.type,
      name: m.name,
      properties: (m.type === "identify" ? m.traits : m.properties) ?? {},
      context: m.context ?? {},
      timestamp: m.timestamp.toISOString(),
      message_id: m.messageId,
      violations: ctx.violations.get(m.index) ?? null,
    }));
    // One jsonb parameter for the whole batch, unpacked by jsonb_to_recordset: far cheaper than eight
    // bound parameters a row, above all on PGlite, where each parameter is marshalled separately.
    const inserted = await sql.query<{ id: number; profile_id: string; message_id: string }>(
      `WITH x AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(profile_id text, scope text, type text, name text, properties jsonb, context jsonb, "timestamp" timestamptz, message_id text, violations jsonb)
       ), fresh AS (
         INSERT INTO event_dedupe (profile_id, scope, message_id, received_at)
         SELECT x.profile_id, x.scope, x.message_id, $2::timestamptz FROM x
         ON CONFLICT DO NOTHING
         RETURNING profile_id, scope, message_id
       )
       INSERT INTO events (profile_id, type, name, properties, context, "timestamp", received_at, message_id, violations)
       SELECT x.profile_id, x.type, x.name, x.properties, x.context, x.timestamp, $2::timestamptz, x.message_id, x.violations
         FROM x JOIN fresh f ON f.profile_id = x.profile_id AND f.scope = x.scope AND f.message_id = x.message_id
       RETURNING id, profile_id, message_id`,
      [JSON.stringify(records), ctx.receivedAt],
    );
    for (const r of inserted) eventIds.set(eventKey(r.profile_id, r.message_id), r.id);
  }
  const idOf = (m: Message) => eventIds.get(eventKey(profileOf(m), m.messageId));
  const accepted = ctx.storeEvents ? messages.filter((m) => idOf(m) !== undefined) : messages;

  // Group calls: the group's traits (kept once per group) and the person's membership, before the
  // executor runs so that group.<trait> reads what this request said.
  await applyGroupCalls(
    sql,
    accepted.filter((m) => m.type === "group").map((m) => ({ profileId: profileOf(m), groupId: m.groupId!, traits: m.traits ?? {}, timestamp: m.timestamp })),
  );

  // Catalog items the events name (docs/api.md §9): recommendations kept up to date in this
  // transaction, before the executor runs, so a template reads them with this request's views.
  if (ctx.storeEvents) {
    const acts: ItemActivity[] = [];
    for (const m of accepted) for (const it of itemsOfEvent(m)) acts.push({ profileId: profileOf(m), itemId: it.itemId, kind: it.kind, at: m.timestamp.getTime() });
    if (acts.length) await recordItemActivity(sql, acts);
  }

  // Per profile, in timestamp then arrival order.
  const byProfile = new Map<string, Message[]>();
  for (const m of accepted) {
    const pid = profileOf(m);
    const list = byProfile.get(pid);
    if (list) list.push(m);
    else byProfile.set(pid, [m]);
  }
  const now = ctx.receivedAt.getTime();
  const updates: Array<{ id: string; traits: Record<string, unknown>; first_seen: string; last_seen: string; identified_at: string | null }> = [];
  const summaryChanges: SummaryChange[] = [];
  const toRun: Array<{ state: ProfileState; events: StoredEvent[]; firstIdentify: boolean; traitsBefore: Record<string, unknown> }> = [];
  for (const [pid, list] of byProfile) {
    const row = rowById.get(pid)!;
    list.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime() || a.index - b.index);
    let traits = row.traits ?? {};
    const before: EventSummary = summaries.get(pid)!;
    let summary = before;
    let first = row.first_seen.getTime();
    let last = row.last_seen.getTime();
    let identified = row.identified_at ? row.identified_at.getTime() : null;
    const firstIdentify = identified === null && list.some((m) => m.type === "identify");
    let active = false;
    const stored: StoredEvent[] = [];
    for (const m of list) {
      const t = m.timestamp.getTime();
      if (m.type === "identify") {
        traits = applyTraits(traits, m.traits ?? {});
        // An imported row is not the person identifying themselves (identify triggers).
        if (ctx.storeEvents) identified = identified === null ? t : Math.min(identified, t);
      } else if (m.type === "track" || m.type === "page" || m.type === "screen") {
        summary = updateSummary(summary, { name: m.name, properties: m.properties, timestamp: t });
        active = true;
      }
      if (ctx.storeEvents) {
        first = Math.min(first, t);
        if (m.type !== "alias") last = Math.max(last, t);
      }
      stored.push({
        id: idOf(m) ?? 0,
        type: m.type,
        name: m.name,
        properties: m.type === "identify" ? (m.traits ?? {}) : m.properties,
        ...(m.type === "identify" ? { traits: m.traits ?? {} } : {}),
        timestamp: m.timestamp,
        messageId: m.messageId,
      });
    }
    const eng = ctx.settings.engagement;
    if (eng.enabled && active) {
      const score = engagementScore(summary, eng, now);
      if (own(traits, eng.trait) !== score) traits = dict({ ...traits, [eng.trait]: score });
    }
    if (summary !== before) summaryChanges.push({ profileId: pid, before, after: summary });
    updates.push({
      id: pid,
      traits,
      first_seen: new Date(first).toISOString(),
      last_seen: new Date(last).toISOString(),
      identified_at: identified === null ? null : new Date(identified).toISOString(),
    });
    toRun.push({
      state: { id: pid, userId: row.user_id, traits, summary, firstSeen: new Date(first), lastSeen: new Date(last) },
      events: stored,
      firstIdentify,
      traitsBefore: row.traits ?? {},
    });
  }
  if (updates.length === 1) {
    // One person (the usual request): by its key, so a sharded store routes it to one shard.
    const u = updates[0];
    await sql.query(`UPDATE profiles SET traits = $2::jsonb, first_seen = $3, last_seen = $4, identified_at = $5, updated_at = now() WHERE id = $1`, [
      u.id,
      JSON.stringify(u.traits),
      u.first_seen,
      u.last_seen,
      u.identified_at,
    ]);
  } else if (updates.length) {
    await sql.query(
      `UPDATE profiles p SET traits = x.traits, first_seen = x.first_seen, last_seen = x.last_seen,
              identified_at = x.identified_at, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, traits jsonb, first_seen timestamptz, last_seen timestamptz, identified_at timestamptz)
        WHERE p.id = x.id`,
      [JSON.stringify(updates)],
    );
  }
  if (summaryChanges.length) await saveSummaries(sql, summaryChanges);
  if (ctx.runFlows && toRun.length) {
    // All profiles of the request at once: one look at the flows, one read of runs, one write per table.
    await runFlowsForBatch(sql, toRun.map((r) => ({ profile: r.state, events: r.events, firstIdentify: r.firstIdentify, traitsBefore: r.traitsBefore })), { now: ctx.receivedAt });
  } else if (toRun.length) {
    // An import moves no flow by its rows, but a trait it changes is a change like any other
    // (docs/api.md §5 trait triggers): only trait triggers look at it.
    await runFlowsForBatch(sql, toRun.map((r) => ({ profile: r.state, events: [], firstIdentify: false, traitsBefore: r.traitsBefore })), { now: ctx.receivedAt });
  }
  const profileOfIndex = new Map(messages.map((m) => [m.index, profileOf(m)]));
  return {
    stored: ctx.storeEvents ? accepted.length : 0,
    duplicates: messages.length - accepted.length,
    profileIds: ids,
    /** The indexes of the messages stored now (not duplicates). */
    storedIds: new Set(accepted.map((m) => m.index)),
    profileOf: profileOfIndex,
  };
}

type Known = { id: string; userId: string | null; pending: boolean };

/** Up to this many identity ids in a request are looked up one by one (see Resolver.load). */
const PER_ID_LOOKUPS = 3;

/**
 * Maps each message to a profile. Works on an in-memory picture of the identities this request
 * touches; new profiles are created in bulk by flush(); merges of two stored profiles are done at once.
 * On PostgreSQL every identity value of the request is locked first (transaction advisory locks, in
 * hash order), so two requests about the same person are resolved one after the other. The stored
 * profiles the identities point to are locked and read whole as they are found (in id order), so the
 * request reads them once.
 */
class Resolver {
  private byKey = new Map<string, string>();
  /** Stored profiles as locked by load(), until this request changes them (then in `stale`). */
  private locked = new Map<string, ProfileRow>();
  private stale = new Set<string>();
  private profiles = new Map<string, Known>();
  private redirect = new Map<string, string>();
  private newIdentities: Array<{ profile_id: string; kind: "user" | "anonymous"; value: string }> = [];
  private userUpdates = new Map<string, string>();

  constructor(
    private sql: Sql,
    private kind: Db["kind"],
  ) {}

  async load(messages: Message[]) {
    const kinds: string[] = [];
    const values: string[] = [];
    const add = (k: "user" | "anonymous", v: string | null) => {
      if (v === null) return;
      kinds.push(k);
      values.push(v);
    };
    for (const m of messages) {
      add("user", m.userId);
      add("anonymous", m.anonymousId);
      if (m.previousId !== null) {
        add("user", m.previousId);
        add("anonymous", m.previousId);
      }
    }
    if (this.kind === "pg") {
      const keys = [...new Set(kinds.map((k, i) => `${k}:${values[i]}`))];
      await this.sql.query(`SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY h) s`, [keys]);
    }
    // The directory is keyed by the identity, profiles by their id: lookups by their own keys. A request
    // about one person (a few ids) asks per id, each lookup a single-shard one on a sharded store;
    // a batch about many people asks once.
    const users = [...new Set(values.filter((_, i) => kinds[i] === "user"))];
    const anons = [...new Set(values.filter((_, i) => kinds[i] === "anonymous"))];
    type DirRow = { kind: "user" | "anonymous"; value: string; profile_id: string };
    let rows: DirRow[] = [];
    if (users.length + anons.length <= PER_ID_LOOKUPS) {
      for (const [kind, list] of [["user", users], ["anonymous", anons]] as const) {
        for (const value of list) rows.push(...(await this.sql.query<DirRow>(`SELECT kind, value, profile_id FROM identity_directory WHERE kind = $1 AND value = $2`, [kind, value])));
      }
    } else {
      rows = await this.sql.query<DirRow>(
        `SELECT kind, value, profile_id FROM identity_directory
          WHERE (kind = 'user' AND value = ANY($1::text[])) OR (kind = 'anonymous' AND value = ANY($2::text[]))`,
        [users, anons],
      );
    }
    if (!rows.length) return;
    // Locked in id order (one statement sorts before it locks; a few ids are locked one by one, sorted).
    const ownerIds = [...new Set(rows.map((r) => r.profile_id))].sort();
    const owners: ProfileRow[] = [];
    if (ownerIds.length <= PER_ID_LOOKUPS) {
      for (const id of ownerIds) owners.push(...(await this.sql.query<ProfileRow>(`SELECT id, user_id, traits, first_seen, last_seen, identified_at FROM profiles WHERE id = $1 FOR UPDATE`, [id])));
    } else {
      owners.push(
        ...(await this.sql.query<ProfileRow>(`SELECT id, user_id, traits, first_seen, last_seen, identified_at FROM profiles WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [ownerIds])),
      );
    }
    for (const o of owners) this.locked.set(o.id, o);
    const userOf = new Map(owners.map((o) => [o.id, o.user_id]));
    for (const r of rows) {
      // A directory entry whose profile is gone (erased meanwhile): look again.
      if (!userOf.has(r.profile_id)) throw new RetryIngest("an identity's profile was merged or erased meanwhile");
      this.byKey.set(`${r.kind}:${r.value}`, r.profile_id);
      this.profiles.set(r.profile_id, { id: r.profile_id, userId: userOf.get(r.profile_id) ?? null, pending: false });
    }
  }

  /** The profile's row as locked by load(), if this request has not changed it since. */
  lockedRow(id: string): ProfileRow | undefined {
    return this.stale.has(id) ? undefined : this.locked.get(id);
  }

  final(id: string): string {
    let cur = id;
    while (this.redirect.has(cur)) cur = this.redirect.get(cur)!;
    return cur;
  }

  private find(kind: "user" | "anonymous", value: string | null): Known | undefined {
    if (value === null) return undefined;
    const id = this.byKey.get(`${kind}:${value}`);
    return id === undefined ? undefined : this.profiles.get(this.final(id));
  }

  private create(userId: string | null): Known {
    const p: Known = { id: crypto.randomUUID(), userId, pending: true };
    this.profiles.set(p.id, p);
    if (userId !== null) this.attach(p, "user", userId);
    return p;
  }

  private attach(p: Known, kind: "user" | "anonymous", value: string) {
    const key = `${kind}:${value}`;
    if (this.byKey.has(key)) return;
    this.byKey.set(key, p.id);
    this.newIdentities.push({ profile_id: p.id, kind, value });
  }

  private setUser(p: Known, userId: string) {
    p.userId = userId;
    if (!p.pending) this.userUpdates.set(p.id, userId);
    this.attach(p, "user", userId);
  }

  async resolve(m: Message): Promise<string> {
    if (m.type === "alias") {
      const u = m.userId!;
      const prev = m.previousId!;
      const pp = this.find("anonymous", prev) ?? this.find("user", prev);
      const pu = this.find("user", u);
      if (!pp && !pu) {
        const p = this.create(u);
        this.attach(p, "anonymous", prev);
        return p.id;
      }
      if (!pp) {
        this.attach(pu!, "anonymous", prev);
        return pu!.id;
      }
      if (!pu) {
        if (pp.userId === null) this.setUser(pp, u);
        else this.attach(pp, "user", u);
        return pp.id;
      }
      return (await this.merge(pp, pu)).id;
    }
    const u = m.userId;
    const a = m.anonymousId;
    const pu = this.find("user", u);
    const pa = this.find("anonymous", a);
    if (u !== null && a !== null) {
      if (!pu && !pa) {
        const p = this.create(u);
        this.attach(p, "anonymous", a);
        return p.id;
      }
      if (pu && !pa) {
        this.attach(pu, "anonymous", a);
        return pu.id;
      }
      if (!pu && pa) {
        if (pa.userId === null) {
          this.setUser(pa, u);
          return pa.id;
        }
        // The anonymous id already belongs to another known user (a shared device): keep them apart.
        return this.create(u).id;
      }
      if (pu!.id === pa!.id) return pu!.id;
      if (pa!.userId === null) return (await this.merge(pa!, pu!)).id;
      return pu!.id;
    }
    if (u !== null) return (pu ?? this.create(u)).id;
    if (pa) return pa.id;
    const p = this.create(null);
    this.attach(p, "anonymous", a!);
    return p.id;
  }

  /** Merges `from` into `into` (into's traits win); returns the surviving profile. */
  private async merge(from: Known, into: Known): Promise<Known> {
    if (from.id === into.id) return into;
    // A profile not yet stored folds into the stored one, whichever side it is on.
    if (from.pending || into.pending) {
      const [gone, keep] = from.pending ? [from, into] : [into, from];
      for (const ident of this.newIdentities) if (ident.profile_id === gone.id) ident.profile_id = keep.id;
      if (gone.userId !== null && keep.userId === null) this.setUser(keep, gone.userId);
      this.profiles.delete(gone.id);
      this.redirect.set(gone.id, keep.id);
      return keep;
    }
    // Identities recorded in memory for `from` must be written for `into` instead.
    for (const ident of this.newIdentities) if (ident.profile_id === from.id) ident.profile_id = into.id;
    const pending = this.userUpdates.get(from.id);
    this.userUpdates.delete(from.id);
    await mergeStoredProfiles(this.sql, from.id, into.id);
    this.stale.add(into.id);
    if (into.userId === null && (pending ?? from.userId) !== null) this.setUser(into, (pending ?? from.userId)!);
    this.profiles.delete(from.id);
    this.redirect.set(from.id, into.id);
    return into;
  }

  /** Writes the new profiles, identities and user ids found by resolve(). */
  async flush() {
    const created = [...this.profiles.values()].filter((p) => p.pending);
    if (created.length) {
      await this.sql.query(
        `INSERT INTO profiles (id, user_id) SELECT x.id, x.user_id FROM jsonb_to_recordset($1::jsonb) AS x(id text, user_id text)`,
        [JSON.stringify(created.map((p) => ({ id: p.id, user_id: p.userId })))],
      );
      for (const p of created) p.pending = false;
    }
    // Stored anonymous profiles that got their user id: one statement for all of them (a batch may
    // identify many), by its key when there is one.
    if (this.userUpdates.size === 1) {
      const [[id, userId]] = [...this.userUpdates];
      await this.sql.query(`UPDATE profiles SET user_id = $2, updated_at = now() WHERE id = $1`, [id, userId]);
    } else if (this.userUpdates.size) {
      await this.sql.query(
        `UPDATE profiles p SET user_id = x.user_id, updated_at = now() FROM jsonb_to_recordset($1::jsonb) AS x(id text, user_id text) WHERE p.id = x.id`,
        [JSON.stringify([...this.userUpdates].map(([id, userId]) => ({ id, user_id: userId })))],
      );
    }
    for (const id of this.userUpdates.keys()) this.stale.add(id);
    this.userUpdates.clear();
    if (this.newIdentities.length) {
      // Claimed in the directory (keyed by the id) first, then recorded as the profile's identities
      // (keyed by the profile): each statement by its own key. A few ids are claimed one by one.
      const claimed: Array<{ kind: string; value: string; profile_id: string }> = [];
      if (this.newIdentities.length <= PER_ID_LOOKUPS) {
        for (const i of this.newIdentities) {
          claimed.push(
            ...(await this.sql.query<{ kind: string; value: string; profile_id: string }>(
              `INSERT INTO identity_directory (kind, value, profile_id) VALUES ($1, $2, $3) ON CONFLICT (kind, value) DO NOTHING RETURNING kind, value, profile_id`,
              [i.kind, i.value, i.profile_id],
            )),
          );
        }
      } else {
        claimed.push(
          ...(await this.sql.query<{ kind: string; value: string; profile_id: string }>(
            `INSERT INTO identity_directory (kind, value, profile_id)
             SELECT x.kind, x.value, x.profile_id FROM jsonb_to_recordset($1::jsonb) AS x(profile_id text, kind text, value text)
             ON CONFLICT (kind, value) DO NOTHING RETURNING kind, value, profile_id`,
            [JSON.stringify(this.newIdentities)],
          )),
        );
      }
      // Someone else claimed one of these ids after we looked: start over and see theirs.
      if (claimed.length !== this.newIdentities.length) throw new RetryIngest("an identity was created meanwhile");
      await this.sql.query(
        `INSERT INTO identities (profile_id, kind, value) SELECT x.profile_id, x.kind, x.value FROM jsonb_to_recordset($1::jsonb) AS x(profile_id text, kind text, value text)`,
        [JSON.stringify(claimed)],
      );
      this.newIdentities = [];
    }
  }
}

/**
 * Moves everything of profile `from` to `into` and deletes `from`: events, messageId claims, runs
 * (entries renumbered after into's; their steps, touchpoints and outcomes follow through the composite
 * foreign keys' ON UPDATE CASCADE), the remaining touchpoints, queued jobs and identities (and their
 * directory entries); traits merged with into's winning; summaries merged. Every statement names the
 * profile ids, so on a sharded store each touches the two profiles' shards only (docs/scaling.md).
 */
export async function mergeStoredProfiles(sql: Sql, fromId: string, intoId: string): Promise<void> {
  // Each profile locked and read by its own key (one shard each on a sharded store), in id order.
  const rows: ProfileRow[] = [];
  for (const id of [fromId, intoId].sort()) {
    rows.push(...(await sql.query<ProfileRow>(`SELECT id, user_id, traits, first_seen, last_seen, identified_at FROM profiles WHERE id = $1 FOR UPDATE`, [id])));
  }
  const from = rows.find((r) => r.id === fromId);
  const into = rows.find((r) => r.id === intoId);
  if (!from || !into) throw new RetryIngest("a profile to merge was merged or erased meanwhile");
  const sums = new Map([
    [fromId, await loadSummary(sql, fromId)],
    [intoId, await loadSummary(sql, intoId)],
  ]);
  await sql.query(`UPDATE events SET profile_id = $2 WHERE profile_id = $1`, [fromId, intoId]);
  // Claims keep their scope: the same messageId from the same user is still a duplicate after the merge.
  await sql.query(`UPDATE event_dedupe SET profile_id = $2 WHERE profile_id = $1`, [fromId, intoId]);
  await sql.query(
    `UPDATE runs r SET profile_id = $2,
            entry = r.entry + COALESCE((SELECT max(x.entry) FROM runs x WHERE x.flow_id = r.flow_id AND x.profile_id = $2), 0)
      WHERE r.profile_id = $1`,
    [fromId, intoId],
  );
  await sql.query(`UPDATE touchpoints SET profile_id = $2 WHERE profile_id = $1`, [fromId, intoId]);
  await sql.query(`UPDATE jobs SET profile_id = $2 WHERE profile_id = $1`, [fromId, intoId]);
  const moved = await sql.query<{ kind: string; value: string }>(`UPDATE identities SET profile_id = $2 WHERE profile_id = $1 RETURNING kind, value`, [fromId, intoId]);
  // The directory is keyed by the identity: each entry repointed by its own key.
  for (const m of moved) await sql.query(`UPDATE identity_directory SET profile_id = $3 WHERE kind = $1 AND value = $2`, [m.kind, m.value, intoId]);
  await moveMemberships(sql, fromId, intoId);
  await moveItemActivity(sql, fromId, intoId);
  const traits = { ...(from.traits ?? {}), ...(into.traits ?? {}) };
  const intoSummary = sums.get(intoId)!;
  const summary = mergeSummaries(intoSummary, sums.get(fromId)!);
  const min = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a < b ? a : b);
  const userId = into.user_id ?? from.user_id;
  // Sends already counted against the anonymous profile still count against the person's caps.
  await sql.query(
    `INSERT INTO send_counters (profile_id, channel, period, count, expires_at)
     SELECT $2, channel, period, count, expires_at FROM send_counters WHERE profile_id = $1
     ON CONFLICT (profile_id, channel, period) DO UPDATE SET count = send_counters.count + EXCLUDED.count`,
    [fromId, intoId],
  );
  await sql.query(`DELETE FROM profiles WHERE id = $1`, [fromId]);
  await saveSummaries(sql, [{ profileId: intoId, before: intoSummary, after: summary }]);
  await sql.query(
    `UPDATE profiles SET traits = $2::jsonb, first_seen = $3, last_seen = $4, identified_at = $5, user_id = $6, updated_at = now() WHERE id = $1`,
    [intoId, JSON.stringify(traits), min(from.first_seen, into.first_seen), from.last_seen > into.last_seen ? from.last_seen : into.last_seen, min(from.identified_at, into.identified_at), userId],
  );
}
