// POST /api/v1/catalog/items (upsert up to 1,000 items) and GET (the console's search), docs/api.md §9.
import { z } from "zod";
import { route } from "@/lib/http/route";
import { KB } from "@/lib/http/body";
import { UpsertItemsBody } from "@/lib/catalog/schema";
import { listItems, upsertItems } from "@/lib/catalog/items";
import { parseQuery } from "@/lib/catalog/api";

export const POST = route({ name: "catalog.upsert", access: "editor", body: UpsertItemsBody, limit: 8 * 1024 * KB }, async ({ db, body }) => ({ upserted: await upsertItems(db.sql, body.items) }));

const ListQuery = z.object({
  q: z.string().max(200).optional(),
  category: z.string().min(1).max(256).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const GET = route({ name: "catalog.list", access: "viewer" }, async ({ db, url }) => listItems(db.sql, parseQuery(ListQuery, url)));
