// What the catalog and recommendation routes call (docs/api.md §9): query parsing and the person's profiles.
import type { z } from "zod";
import type { Sql } from "@/lib/db/sql";
import { badRequest, zodToDetails } from "@/lib/http/errors";
import { RecommendationsQuery, type RecommendedItem } from "./schema";
import { recommend } from "./recommend";

export function parseQuery<S extends z.ZodType>(schema: S, url: URL): z.infer<S> {
  const raw: Record<string, string> = {};
  for (const [k, v] of url.searchParams) raw[k] = v;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const details = zodToDetails(parsed.error);
    throw badRequest(`The query has values of the wrong shape: ${details.map((d) => `${d.path}: ${d.message}`).slice(0, 3).join("; ")}`, details);
  }
  return parsed.data;
}

/** The profile a userId names (none for a person not seen yet: they still get popular items). */
export async function profileIdsOfUser(sql: Sql, userId: string): Promise<string[]> {
  const rows = await sql.query<{ profile_id: string }>(`SELECT profile_id FROM identity_directory WHERE kind = 'user' AND value = $1`, [userId]);
  return rows.map((r) => r.profile_id);
}

/** GET /api/v1/users/:userId/recommendations. */
export async function userRecommendations(sql: Sql, userId: string, url: URL): Promise<{ items: RecommendedItem[] }> {
  const q = parseQuery(RecommendationsQuery, url);
  const profiles = await profileIdsOfUser(sql, userId);
  return { items: await recommend(sql, profiles, q.strategy, { limit: q.limit, category: q.category, item: q.item }) };
}
