// What the workspace has received, for the pickers of the flow editor: event names, an event's property
// names and values, trait names and values, placements — each with a count. Free text is always allowed
// in the fields; these are suggestions.
//
// Every query is bounded, and reads through an index (no scan of a whole table):
//   event        distinct names by a skip scan of events(name, timestamp) (at most MAX_NAMES names),
//                each counted over the last COUNT_DAYS days, stopping at COUNT_CAP ("10,000+")
//   property     keys of the latest SAMPLE events of that name (events(name, timestamp) backwards)
//   value        values of a property in the same sample
//   trait        keys of the traits of the PROFILE_SAMPLE most recently seen profiles (profiles(last_seen))
//   trait_value  values of a trait in the same sample
//   placement    in-app placements of the flows' drafts (the flows table is small), counted per message
import { z } from "zod";
import type { Sql } from "@/lib/db/sql";

export const MAX_NAMES = 200;
export const COUNT_DAYS = 30;
export const COUNT_CAP = 10_000;
export const SAMPLE = 500;
export const PROFILE_SAMPLE = 1_000;
const LIMIT = 50;

export const SuggestField = z.enum(["event", "property", "value", "trait", "trait_value", "placement"]);
export type SuggestField = z.infer<typeof SuggestField>;

export const SuggestQuery = z.object({
  field: SuggestField,
  event: z.string().max(256).optional(),
  property: z.string().max(256).optional(),
  trait: z.string().max(256).optional(),
  q: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(LIMIT).optional(),
});
export type SuggestQuery = z.infer<typeof SuggestQuery>;

export const Suggestions = z
  .object({
    field: SuggestField,
    suggestions: z.array(z.object({ value: z.string(), count: z.number().int(), capped: z.boolean().optional().describe("The count stopped at its cap") })),
    basis: z.string().describe("What the counts count, in words"),
  })
  .meta({ id: "Suggestions" });
export type Suggestions = z.infer<typeof Suggestions>;

type Item = Suggestions["suggestions"][number];

const path = (p: string) => p.split(".").filter(Boolean);

function finish(items: Item[], q: string | undefined, limit: number): Item[] {
  const needle = q?.trim().toLowerCase();
  const kept = needle ? items.filter((i) => i.value.toLowerCase().includes(needle)) : items;
  // Prefix matches first, then by count.
  return kept
    .sort((a, b) => (needle ? Number(b.value.toLowerCase().startsWith(needle)) - Number(a.value.toLowerCase().startsWith(needle)) : 0) || b.count - a.count || (a.value < b.value ? -1 : 1))
    .slice(0, limit);
}

export async function suggest(sql: Sql, query: SuggestQuery, now = new Date()): Promise<Suggestions> {
  const limit = query.limit ?? 20;
  const field = query.field;
  switch (field) {
    case "event": {
      // Skip scan: each step is one index probe for the next name.
      const names = await sql.query<{ name: string }>(
        `WITH RECURSIVE n AS (
           (SELECT name FROM events ORDER BY name LIMIT 1)
           UNION ALL
           SELECT (SELECT e.name FROM events e WHERE e.name > n.name ORDER BY e.name LIMIT 1) FROM n WHERE n.name IS NOT NULL
         )
         SELECT name FROM n WHERE name IS NOT NULL LIMIT ${MAX_NAMES}`,
      );
      const wanted = finish(names.map((r) => ({ value: r.name, count: 0 })), query.q, limit).map((i) => i.value);
      if (!wanted.length) return { field, suggestions: [], basis: `events in the last ${COUNT_DAYS} days` };
      const since = new Date(now.getTime() - COUNT_DAYS * 86_400_000);
      const counts = await sql.query<{ name: string; n: number }>(
        `SELECT w.name, (SELECT count(*) FROM (SELECT 1 FROM events e WHERE e.name = w.name AND e."timestamp" >= $2 LIMIT ${COUNT_CAP}) s)::int AS n
           FROM unnest($1::text[]) AS w(name)`,
        [wanted, since],
      );
      const items = counts.map((r) => ({ value: r.name, count: Number(r.n), ...(Number(r.n) >= COUNT_CAP ? { capped: true } : {}) }));
      return { field, suggestions: finish(items, query.q, limit), basis: `events in the last ${COUNT_DAYS} days` };
    }
    case "property": {
      if (!query.event) return { field, suggestions: [], basis: "name an event first" };
      const rows = await sql.query<{ k: string; n: number }>(
        `SELECT k, count(*)::int AS n FROM (SELECT properties FROM events WHERE name = $1 ORDER BY "timestamp" DESC LIMIT ${SAMPLE}) e,
                LATERAL jsonb_object_keys(CASE WHEN jsonb_typeof(e.properties) = 'object' THEN e.properties ELSE '{}'::jsonb END) k
          GROUP BY k ORDER BY n DESC, k LIMIT 200`,
        [query.event],
      );
      return { field, suggestions: finish(rows.map((r) => ({ value: r.k, count: Number(r.n) })), query.q, limit), basis: `of the latest ${SAMPLE} “${query.event}” events` };
    }
    case "value": {
      if (!query.event || !query.property) return { field, suggestions: [], basis: "name an event and a property first" };
      const rows = await sql.query<{ v: string; n: number }>(
        `SELECT v, count(*)::int AS n FROM (SELECT properties #>> $2::text[] AS v FROM events WHERE name = $1 ORDER BY "timestamp" DESC LIMIT ${SAMPLE}) e
          WHERE v IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT 200`,
        [query.event, path(query.property)],
      );
      return { field, suggestions: finish(rows.map((r) => ({ value: r.v, count: Number(r.n) })), query.q, limit), basis: `of the latest ${SAMPLE} “${query.event}” events` };
    }
    case "trait": {
      const rows = await sql.query<{ k: string; n: number }>(
        `SELECT k, count(*)::int AS n FROM (SELECT traits FROM profiles ORDER BY last_seen DESC LIMIT ${PROFILE_SAMPLE}) p,
                LATERAL jsonb_object_keys(CASE WHEN jsonb_typeof(p.traits) = 'object' THEN p.traits ELSE '{}'::jsonb END) k
          GROUP BY k ORDER BY n DESC, k LIMIT 200`,
      );
      return { field, suggestions: finish(rows.map((r) => ({ value: r.k, count: Number(r.n) })), query.q, limit), basis: `of the ${PROFILE_SAMPLE} most recently seen profiles` };
    }
    case "trait_value": {
      if (!query.trait) return { field, suggestions: [], basis: "name a trait first" };
      const rows = await sql.query<{ v: string; n: number }>(
        `SELECT v, count(*)::int AS n FROM (SELECT traits #>> $1::text[] AS v FROM profiles ORDER BY last_seen DESC LIMIT ${PROFILE_SAMPLE}) p
          WHERE v IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT 200`,
        [path(query.trait)],
      );
      return { field, suggestions: finish(rows.map((r) => ({ value: r.v, count: Number(r.n) })), query.q, limit), basis: `of the ${PROFILE_SAMPLE} most recently seen profiles` };
    }
    case "placement": {
      const rows = await sql.query<{ draft: { graph?: { nodes?: { type?: string; data?: { channel?: string; placement?: unknown } }[] } } }>(`SELECT draft FROM flows LIMIT 1000`);
      const counts = new Map<string, number>();
      for (const r of rows)
        for (const n of r.draft?.graph?.nodes ?? [])
          if (n.type === "message" && n.data?.channel === "in_app" && typeof n.data.placement === "string" && n.data.placement) counts.set(n.data.placement, (counts.get(n.data.placement) ?? 0) + 1);
      return { field, suggestions: finish([...counts].map(([value, count]) => ({ value, count })), query.q, limit), basis: "in-app messages using it across flows" };
    }
  }
}
