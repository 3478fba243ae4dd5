// The catalog's shapes (docs/api.md §9): one zod schema per shape, used by the API, the CSV import,
// the OpenAPI document and the console.
import { z } from "zod";

/** Most items one upsert call may carry. */
export const MAX_ITEMS_PER_CALL = 1000;

const text = (max: number) => z.string().max(max);

export const CatalogItemInput = z
  .object({
    id: z.union([z.string().min(1).max(256), z.number().int().finite()]).transform(String).describe("Your product id: what events name as product_id"),
    name: text(1000).min(1),
    url: text(2000).nullable().optional(),
    image: text(2000).nullable().optional(),
    price: z.number().finite().nullable().optional(),
    category: text(256).nullable().optional(),
    attributes: z.record(z.string(), z.unknown()).optional().describe("Free attributes (brand, color, ...), kept as given"),
  })
  .meta({ id: "CatalogItemInput" });
export type CatalogItemInput = z.infer<typeof CatalogItemInput>;

export const UpsertItemsBody = z
  .object({
    items: z
      .array(CatalogItemInput)
      .min(1)
      .superRefine((items, ctx) => {
        // Named by the first index over the limit, as a bad item is named by its index.
        if (items.length > MAX_ITEMS_PER_CALL) ctx.addIssue({ code: "custom", path: [MAX_ITEMS_PER_CALL], message: `At most ${MAX_ITEMS_PER_CALL} items per call; this one has ${items.length}` });
      })
      .describe(`1 to ${MAX_ITEMS_PER_CALL} items; an id already in the catalog is replaced`),
  })
  .meta({ id: "CatalogUpsertRequest" });

export const UpsertItemsResult = z.object({ upserted: z.number().int() }).meta({ id: "CatalogUpsertResponse" });

export const CatalogItem = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string().nullable(),
    image: z.string().nullable(),
    price: z.number().nullable(),
    category: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "CatalogItem" });
export type CatalogItem = z.infer<typeof CatalogItem>;

export const CatalogList = z
  .object({
    items: z.array(CatalogItem),
    total: z.number().int().describe("Items matching the search"),
    categories: z.array(z.string()).describe("Every category in the catalog"),
  })
  .meta({ id: "CatalogList" });

export const STRATEGIES = ["recently_viewed", "popular", "also_viewed", "for_you"] as const;
export const Strategy = z.enum(STRATEGIES);
export type Strategy = z.infer<typeof Strategy>;

export const RecommendedItem = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string().nullable(),
    image: z.string().nullable(),
    price: z.number().nullable(),
    category: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    score: z.number().describe("Higher first; its scale depends on the strategy"),
  })
  .meta({ id: "RecommendedItem" });
export type RecommendedItem = z.infer<typeof RecommendedItem>;

export const RecommendationsResult = z.object({ items: z.array(RecommendedItem) }).meta({ id: "RecommendationsResponse" });

export const MAX_LIMIT = 50;
export const DEFAULT_LIMIT = 5;

export const RecommendationsQuery = z.object({
  strategy: Strategy.default("for_you"),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  category: z.string().min(1).max(256).optional(),
  item: z.string().min(1).max(256).optional(),
});
export type RecommendationsQuery = z.infer<typeof RecommendationsQuery>;
