// Cohort syncs from analytics platforms: Mixpanel's cohort-sync webhook and Amplitude's cohort
// webhook tell which users entered or left a cohort; membership is kept as the `cohorts` list trait
// (cohort names), written through the ingestion entry as identify messages, so conditions
// ({"trait":"cohorts","op":"contains","value":"Power users"}) and the trait trigger see it.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Message, Problem } from "@/lib/ingest/messages";
import { ingest } from "@/lib/ingest/pipeline";

export const COHORT_KINDS = ["mixpanel", "amplitude"] as const;
export type CohortKind = (typeof COHORT_KINDS)[number];
export const COHORTS_TRAIT = "cohorts";

const Id = z.union([z.string().min(1).max(256), z.number().finite()]).transform(String);

// Mixpanel "Cohort Sync → Custom Webhook" (docs.mixpanel.com/docs/cohort-sync/webhooks): action members
// (the whole cohort, possibly over several pages), add_members or remove_members (diffs since the last sync).
export const MixpanelCohortSync = z
  .object({
    action: z.enum(["members", "add_members", "remove_members"]),
    parameters: z
      .object({
        mixpanel_project_id: Id.optional(),
        mixpanel_cohort_id: Id,
        mixpanel_cohort_name: z.string().min(1).max(256),
        mixpanel_cohort_description: z.string().nullish(),
        mixpanel_session_id: z.string().nullish(),
        page_info: z.object({ total_pages: z.number().int().nonnegative(), page_count: z.number().int().nonnegative() }).loose().nullish(),
        members: z.array(z.object({ mixpanel_distinct_id: Id.nullish(), email: z.string().nullish() }).loose()).max(100_000),
      })
      .loose(),
  })
  .loose()
  .meta({ id: "MixpanelCohortSync" });

// Amplitude "Cohort Webhooks" default payload (amplitude.com/docs/data/destination-catalog/cohort-webhooks):
// one cohort, in_cohort true (users entered) or false (users left), users [{user_id}]; the per-user
// template variant carries user_id at the top instead.
export const AmplitudeCohortSync = z
  .object({
    cohort_name: z.string().min(1).max(256),
    cohort_id: Id,
    in_cohort: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]),
    computed_time: Id.nullish(),
    message_id: z.string().nullish(),
    users: z.array(z.object({ user_id: Id.nullish() }).loose()).max(100_000).nullish(),
    user_id: Id.nullish(),
  })
  .loose()
  .refine((v) => v.users || v.user_id, { message: "Expected users [{user_id}] or user_id", path: ["users"] })
  .meta({ id: "AmplitudeCohortSync" });

export type CohortChange = {
  cohort: string;
  add: boolean;
  /** The whole membership in one delivery: users not listed leave the cohort. */
  replace: boolean;
  userIds: string[];
  skipped: Problem[];
  /** Identifies this delivery, so a retried one is not applied twice. */
  deliveryKey: string;
  answer: Record<string, unknown>;
};

const hash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 32);

type Parsed = { ok: true; change: CohortChange } | { ok: false; message: string; details: Problem[] };

const issues = (e: z.ZodError): Problem[] => e.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message, code: i.code }));

/** Reads a platform's payload into one membership change. Pure. */
export function parseCohortSync(kind: CohortKind, payload: unknown): Parsed {
  if (kind === "mixpanel") {
    const p = MixpanelCohortSync.safeParse(payload);
    if (!p.success) return { ok: false, message: "Not a Mixpanel cohort sync payload", details: issues(p.error) };
    const { action, parameters: q } = p.data;
    const skipped: Problem[] = [];
    const userIds: string[] = [];
    q.members.forEach((m, i) => (m.mixpanel_distinct_id ? userIds.push(m.mixpanel_distinct_id) : skipped.push({ path: `parameters.members.${i}.mixpanel_distinct_id`, message: "No distinct id" })));
    const pages = q.page_info?.total_pages ?? 1;
    return {
      ok: true,
      change: {
        cohort: q.mixpanel_cohort_name,
        add: action !== "remove_members",
        // A full sync over several pages cannot tell who left until all pages are in: only a one-page one replaces.
        replace: action === "members" && pages <= 1,
        userIds,
        skipped,
        deliveryKey: `mixpanel:${q.mixpanel_cohort_id}:${action}:${q.mixpanel_session_id ?? hash(JSON.stringify(payload))}:${q.page_info?.page_count ?? 0}`,
        answer: { action, status: "success" },
      },
    };
  }
  const p = AmplitudeCohortSync.safeParse(payload);
  if (!p.success) return { ok: false, message: "Not an Amplitude cohort webhook payload", details: issues(p.error) };
  const d = p.data;
  const skipped: Problem[] = [];
  const userIds: string[] = [];
  if (d.user_id) userIds.push(d.user_id);
  (d.users ?? []).forEach((u, i) => (u.user_id ? userIds.push(u.user_id) : skipped.push({ path: `users.${i}.user_id`, message: "No user_id" })));
  return {
    ok: true,
    change: {
      cohort: d.cohort_name,
      add: d.in_cohort,
      replace: false,
      userIds,
      skipped,
      deliveryKey: `amplitude:${d.cohort_id}:${d.message_id ?? `${d.computed_time ?? ""}:${hash(JSON.stringify(payload))}`}`,
      answer: {},
    },
  };
}

/** The cohorts list after a change. Pure. */
export function nextCohorts(current: unknown, cohort: string, add: boolean): string[] {
  const list = Array.isArray(current) ? current.filter((c): c is string => typeof c === "string") : [];
  if (add) return list.includes(cohort) ? list : [...list, cohort];
  return list.filter((c) => c !== cohort);
}

// Read-modify-write of one list: deliveries to one source are applied one after another in this process.
const locks = globalThis as unknown as { __pathwiseCohortLocks?: Map<string, Promise<unknown>> };
function serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const map = (locks.__pathwiseCohortLocks ??= new Map());
  const prev = map.get(key) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(fn);
  map.set(key, next);
  void next.finally(() => map.get(key) === next && map.delete(key)).catch(() => undefined);
  return next;
}

export async function applyCohortChange(db: Db, sourceId: string, change: CohortChange) {
  return serial(sourceId, async () => {
    const users = [...new Set(change.userIds)];
    const current = new Map(
      (await db.sql.query<{ user_id: string; cohorts: unknown }>(`SELECT user_id, traits->'cohorts' AS cohorts FROM profiles WHERE user_id = ANY($1::text[])`, [users])).map((r) => [r.user_id, r.cohorts]),
    );
    const updates: Array<{ userId: string; cohorts: string[] }> = [];
    for (const u of users) {
      const before = current.get(u);
      const after = nextCohorts(before, change.cohort, change.add);
      // Leaving a cohort one never joined changes nothing; joining creates the profile if needed.
      if (current.has(u) && JSON.stringify(after) === JSON.stringify(Array.isArray(before) ? before : [])) continue;
      if (!current.has(u) && !change.add) continue;
      updates.push({ userId: u, cohorts: after });
    }
    if (change.replace) {
      const leaving = await db.sql.query<{ user_id: string; cohorts: unknown }>(
        `SELECT user_id, traits->'cohorts' AS cohorts FROM profiles WHERE user_id IS NOT NULL AND traits->'cohorts' @> jsonb_build_array($1::text) AND NOT (user_id = ANY($2::text[]))`,
        [change.cohort, users],
      );
      for (const r of leaving) updates.push({ userId: r.user_id, cohorts: nextCohorts(r.cohorts, change.cohort, false) });
    }
    const now = new Date();
    const messages: Message[] = updates.map((x, index) => ({
      type: "identify",
      userId: x.userId,
      anonymousId: null,
      previousId: null,
      name: "Identify",
      properties: {},
      traits: { [COHORTS_TRAIT]: x.cohorts },
      context: { source: { id: sourceId }, cohort: { name: change.cohort, change: change.add ? "entered" : "left" } },
      timestamp: now,
      messageId: `cohort-${sourceId}-${hash(`${change.deliveryKey}|${x.userId}|${change.add}`)}`,
      index,
    }));
    if (!messages.length) return { ok: true as const, applied: 0 };
    const out = await ingest(db, messages, { batch: true, receivedAt: now });
    if (!out.ok) return { ok: false as const, message: out.message, details: out.details };
    return { ok: true as const, applied: out.stored };
  });
}

/** A cohort-sync delivery to a mixpanel or amplitude source (already authenticated). */
export async function receiveCohortSync(
  db: Db,
  src: { id: string; kind: CohortKind },
  payload: unknown,
): Promise<{ ok: true; records: number; accepted: number; errors: Problem[]; extra: Record<string, unknown> } | { ok: false; status: 400; message: string; details: Problem[] }> {
  const note = (error: string | null) => db.sql.query(`UPDATE sources SET received_count = received_count + 1, last_received_at = now(), last_error = $2 WHERE id = $1`, [src.id, error]);
  const parsed = parseCohortSync(src.kind, payload);
  if (!parsed.ok) {
    await note(parsed.message);
    return { ok: false, status: 400, message: parsed.message, details: parsed.details };
  }
  const c = parsed.change;
  const out = await applyCohortChange(db, src.id, c);
  if (!out.ok) {
    await note(out.message);
    return { ok: false, status: 400, message: out.message, details: out.details };
  }
  await note(c.skipped.length ? `${c.skipped.length} member(s) skipped: ${c.skipped[0].message}` : null);
  return { ok: true, records: c.userIds.length, accepted: out.applied, errors: c.skipped, extra: { ...c.answer, cohort: c.cohort, change: c.add ? "entered" : "left" } };
}
