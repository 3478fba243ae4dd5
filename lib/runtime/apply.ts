// Carries out the engine's effects inside the caller's transaction (the outbox): run state, steps,
// touchpoints, timer and delivery jobs, trait updates. Everything is written under a deterministic key
// and inserted if absent, so a retried event or a re-run job never records or sends anything twice.
import type { Sql } from "@/lib/db/sql";
import type { Effect, MessageEffect, Run, StepEffect } from "@/lib/engine";
import { fromStoredRun, toStoredRun } from "@/lib/engine/run-state";
import { enqueueMany, type NewJob } from "./jobs";
import { runtimeMetrics } from "./counters";
import { insertSteps } from "@/lib/results/steps";

/** The profile as the executor holds it during one transaction (traits change as update nodes run). */
export type ProfileRow = {
  id: string;
  userId: string | null;
  traits: Record<string, unknown>;
  /** The profile's current group: its traits plus `id` (read as group.<trait>); null when none. */
  group?: Record<string, unknown> | null;
  /** Recommendation lists the flows' templates read, loaded for this batch (docs/api.md §9). */
  recommendations?: Record<string, readonly unknown[]>;
  summary: unknown;
  lastSeen: Date;
};

export const timerKey = (timerId: string) => `timer:${timerId}`;
export const deliverKey = (touchpointKey: string) => `deliver:${touchpointKey}`;
export const inactivityKey = (flowId: string, profileId: string) => `inactivity:${flowId}:${profileId}`;

export type TimerPayload = { runId: string; timerId: string; due: number; profileId?: string };
export type DeliverPayload = { key: string; profileId?: string };

export function deliveryAttempts(): number {
  const n = Number(process.env.PATHWISE_DELIVERY_ATTEMPTS ?? 6);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 6;
}

/** The branch a touchpoint is reported under: the last split the run passed. */
function variantOf(variants: Record<string, string>): string | null {
  const values = Object.values(variants);
  return values.length ? values[values.length - 1] : null;
}

function toDate(ms: number | undefined): Date | null {
  return ms === undefined ? null : new Date(ms);
}

/**
 * The effects of one transaction, for any number of profiles: collected by per-profile Appliers, then
 * written with one multi-row statement per table (runs, steps, touchpoints, jobs), however many
 * profiles and runs the batch moved.
 */
export class Outbox {
  private runs = new Map<string, { run: Run; profile: ProfileRow }>();
  private steps: StepEffect[] = [];
  private messages: Array<{ msg: MessageEffect; profile: ProfileRow }> = [];
  /** timer key -> job, or null when cancelled after being scheduled in this same batch */
  private timers = new Map<string, NewJob | null>();
  /** timer key -> the profile whose run cancelled it */
  private timerOwners = new Map<string, string>();
  /** profile id -> traits set by update nodes */
  private traitPatches = new Map<string, Record<string, unknown>>();
  private goalExits: string[] = [];
  private entries = 0;

  constructor(private readonly sql: Sql) {}

  /** An Applier that records the effects of `profile`'s runs into this outbox. */
  applier(profile: ProfileRow): Applier {
    return new Applier(this.sql, profile, this);
  }

  /** Records the run's new state and collects its effects. */
  apply(profile: ProfileRow, run: Run, effects: Effect[]) {
    this.runs.set(run.id, { run, profile });
    for (const fx of effects) {
      switch (fx.type) {
        case "enter":
          this.entries++;
          break;
        case "step":
          this.steps.push(fx);
          break;
        case "message":
          this.messages.push({ msg: fx, profile });
          break;
        case "set_traits": {
          const patch = this.traitPatches.get(profile.id) ?? {};
          Object.assign(patch, fx.traits);
          this.traitPatches.set(profile.id, patch);
          profile.traits = { ...profile.traits, ...fx.traits };
          break;
        }
        case "timer":
          this.timers.set(timerKey(fx.timerId), {
            queue: "timer",
            key: timerKey(fx.timerId),
            profileId: profile.id,
            runAt: new Date(fx.at),
            payload: { runId: fx.runId, timerId: fx.timerId, due: fx.at, profileId: profile.id } satisfies TimerPayload,
          });
          break;
        case "cancel_timer":
          this.timers.set(timerKey(fx.timerId), null);
          this.timerOwners.set(timerKey(fx.timerId), profile.id);
          break;
        case "end":
          if (fx.reason === "goal") this.goalExits.push(fx.runId);
          break;
        case "convert":
          break;
      }
    }
  }

  /** Writes everything collected so far (and forgets it, so a second flush writes only what is new). */
  async flush(): Promise<void> {
    const sql = this.sql;
    const m = runtimeMetrics();
    const runs = this.runs;
    const steps = this.steps;
    const messages = this.messages;
    const timers = this.timers;
    const timerOwners = this.timerOwners;
    const patches = this.traitPatches;
    const goalExits = this.goalExits;
    const entries = this.entries;
    this.runs = new Map();
    this.steps = [];
    this.messages = [];
    this.timers = new Map();
    this.timerOwners = new Map();
    this.traitPatches = new Map();
    this.goalExits = [];
    this.entries = 0;

    if (runs.size) await this.writeRuns([...runs.values()]);
    if (steps.length) {
      // Rows travel as one jsonb parameter: on PGlite each bound parameter is marshalled separately.
      const rows = steps.map((s) => ({
        profile_id: runs.get(s.runId)?.profile.id ?? "",
        run_id: s.runId,
        flow_id: runs.get(s.runId)?.run.flowId ?? "",
        node_id: s.nodeId,
        at: new Date(s.at).toISOString(),
        result: s.result,
        reason: s.reason ?? {},
        key: s.key,
        entered: s.entered,
        node_type: s.nodeType,
      }));
      // With their "node" rollup counters, in the same statement (lib/results/steps.ts).
      await insertSteps(sql, rows);
      const byType = new Map<string, number>();
      for (const s of steps) byType.set(s.nodeType, (byType.get(s.nodeType) ?? 0) + 1);
      for (const [nodeType, n] of byType) m.steps.inc({ node_type: nodeType }, n);
    }
    if (messages.length) await this.writeTouchpoints(messages);
    const jobs: NewJob[] = [];
    const cancelled: Array<{ profile_id: string; key: string }> = [];
    for (const [key, job] of timers) {
      if (job) jobs.push(job);
      else cancelled.push({ profile_id: timerOwners.get(key) ?? "", key });
    }
    if (cancelled.length) {
      await sql.query(`DELETE FROM jobs j USING jsonb_to_recordset($1::jsonb) AS x(profile_id text, key text) WHERE j.profile_id = x.profile_id AND j.key = x.key`, [
        JSON.stringify(cancelled),
      ]);
    }
    if (jobs.length) await enqueueMany(sql, jobs, "ignore");
    if (patches.size === 1) {
      const [[id, patch]] = [...patches];
      await sql.query(`UPDATE profiles SET traits = traits || $2::jsonb, updated_at = now() WHERE id = $1`, [id, JSON.stringify(patch)]);
    } else if (patches.size > 1) {
      await sql.query(
        `UPDATE profiles p SET traits = p.traits || x.patch, updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS x(id text, patch jsonb) WHERE p.id = x.id`,
        [JSON.stringify([...patches].map(([id, patch]) => ({ id, patch })))],
      );
    }
    // A user who converted and left the flow should not keep seeing its offers.
    if (goalExits.length) {
      const owners = [...new Set(goalExits.map((id) => runs.get(id)?.profile.id ?? ""))];
      await sql.query(
        `UPDATE touchpoints SET status = 'expired', updated_at = now() WHERE profile_id = ANY($2::text[]) AND run_id = ANY($1::text[]) AND channel = 'in_app' AND status = 'ready'`,
        [goalExits, owners],
      );
    }
    if (entries) m.entries.inc(entries);
  }

  private async writeRuns(runs: Array<{ run: Run; profile: ProfileRow }>) {
    const rows = runs.map(({ run: r, profile }) => ({
      id: r.id,
      flow_id: r.flowId,
      flow_version_id: r.versionId,
      version: r.version,
      profile_id: profile.id,
      entry: r.entry,
      status: r.status,
      node_id: r.nodeId,
      holdout: r.holdout,
      state: toStoredRun({ ...r, profileId: profile.id }),
      entered_at: new Date(r.enteredAt).toISOString(),
      ended_at: toDate(r.endedAt)?.toISOString() ?? null,
      converted_at: toDate(r.convertedAt)?.toISOString() ?? null,
    }));
    await this.sql.query(
      `INSERT INTO runs (id, flow_id, flow_version_id, version, profile_id, entry, status, node_id, holdout, state, entered_at, ended_at, converted_at)
       SELECT x.id, x.flow_id, x.flow_version_id, x.version, x.profile_id, x.entry, x.status, x.node_id, x.holdout, x.state, x.entered_at, x.ended_at, x.converted_at
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, flow_id text, flow_version_id text, version int, profile_id text, entry int, status text, node_id text, holdout boolean,
                                                 state jsonb, entered_at timestamptz, ended_at timestamptz, converted_at timestamptz)
       ON CONFLICT (profile_id, id) DO UPDATE SET status = EXCLUDED.status, node_id = EXCLUDED.node_id, state = EXCLUDED.state,
         ended_at = EXCLUDED.ended_at, converted_at = EXCLUDED.converted_at, updated_at = now()`,
      [JSON.stringify(rows)],
    );
  }

  private async writeTouchpoints(messages: Array<{ msg: MessageEffect; profile: ProfileRow }>) {
    const rows = messages.map(({ msg, profile }) => {
      const variant = variantOf(msg.variants);
      let status: string;
      let payload: Record<string, unknown>;
      let content: string | null = null;
      let placement: string | null = null;
      // A policy may hold a touchpoint (deliverAt): in-app waits as `pending` until its deliver job frees it.
      const held = msg.deliverAt !== undefined && msg.deliverAt > msg.at;
      if (msg.channel === "in_app") {
        status = msg.suppressed ? "suppressed" : held ? "pending" : "ready";
        content = msg.content;
        placement = msg.placement;
        payload = { variant, variants: msg.variants };
      } else if (msg.channel === "webhook") {
        status = msg.suppressed ? "suppressed" : "pending";
        content = msg.body ?? null;
        payload = { url: msg.url, method: msg.method, headers: msg.headers, body: msg.body ?? null, variant, variants: msg.variants, userId: profile.userId };
      } else {
        status = msg.suppressed ? "suppressed" : "pending";
        content = msg.body;
        payload = { subject: msg.subject, body: msg.body, to: msg.to, variant, variants: msg.variants, userId: profile.userId };
      }
      if (msg.renderError) payload.renderError = msg.renderError;
      // Why nothing went out: a holdout's in-app touchpoint holds its placement (decide.ts).
      if (msg.suppressed) payload.suppressed = msg.suppressed;
      if (held) payload.deliverAt = new Date(msg.deliverAt!).toISOString();
      return {
        key: msg.key,
        run_id: msg.runId,
        flow_id: msg.flowId,
        node_id: msg.nodeId,
        profile_id: profile.id,
        channel: msg.channel,
        placement,
        content,
        payload,
        status,
        created_at: new Date(msg.at).toISOString(),
      };
    });
    // One jsonb parameter for every row, as runs and steps: eleven bound parameters a row would pass
    // PostgreSQL's cap of 65,535 per statement at 5,958 touchpoints in one flush.
    const inserted = await this.sql.query<{ key: string; profile_id: string; channel: string; status: string }>(
      `INSERT INTO touchpoints (key, run_id, flow_id, node_id, profile_id, channel, placement, content, payload, status, created_at)
       SELECT x.key, x.run_id, x.flow_id, x.node_id, x.profile_id, x.channel, x.placement, x.content, x.payload, x.status, x.created_at
         FROM jsonb_to_recordset($1::jsonb) AS x(key text, run_id text, flow_id text, node_id text, profile_id text, channel text, placement text,
                                                 content text, payload jsonb, status text, created_at timestamptz)
       ON CONFLICT (profile_id, key) DO NOTHING RETURNING key, profile_id, channel, status`,
      [JSON.stringify(rows)],
    );
    const m = runtimeMetrics();
    const deliveries: NewJob[] = [];
    const deliverAtOf = new Map(messages.map(({ msg }) => [msg.key, msg.deliverAt]));
    for (const t of inserted) {
      m.touchpoints.inc({ channel: t.channel, status: t.status });
      if (t.status === "pending") {
        const deliverAt = deliverAtOf.get(t.key);
        deliveries.push({
          queue: "deliver",
          key: deliverKey(t.key),
          profileId: t.profile_id,
          payload: { key: t.key, profileId: t.profile_id } satisfies DeliverPayload,
          maxAttempts: deliveryAttempts(),
          ...(deliverAt !== undefined ? { runAt: new Date(deliverAt) } : {}),
        });
      }
    }
    if (deliveries.length) await enqueueMany(this.sql, deliveries, "ignore");
  }
}

/** The effects of one profile's runs, collected into the transaction's outbox (or the one given). */
export class Applier {
  private readonly outbox: Outbox;

  constructor(
    sql: Sql,
    readonly profile: ProfileRow,
    outbox?: Outbox,
  ) {
    this.outbox = outbox ?? outboxOf(sql);
  }

  /** Records the run's new state and collects its effects. */
  apply(run: Run, effects: Effect[]) {
    this.outbox.apply(this.profile, run, effects);
  }

  /** Writes what this applier's outbox collected (for a shared outbox: every profile's). */
  async flush(): Promise<void> {
    await this.outbox.flush();
  }
}

/** Reads a stored run back into the engine's shape (its profile may have changed by a merge). */
export type RunRow = { id: string; profile_id: string; entry: number; flow_version_id: string; version: number; state: unknown };
export const RUN_COLUMNS = `id, profile_id, entry, flow_version_id, version, state`;

/** Reads a stored run back into the engine's shape, upgrading an older state (lib/engine/run-state.ts;
 *  a state newer than this code throws RunStateTooNew). The columns win over the JSON: a profile merge
 *  moves runs to another profile and renumbers their entries. */
export function runFromRow(row: RunRow): Run | null {
  const s = fromStoredRun(row.state);
  if (!s) return null;
  return { ...s, id: row.id, profileId: row.profile_id, entry: row.entry, versionId: row.flow_version_id, version: row.version };
}

/** The transaction's outbox (one per unit of work: every Applier of one transaction shares it). */
export function outboxOf(sql: Sql): Outbox {
  return sql.item(Outbox, () => new Outbox(sql));
}
