// OpenAPI entries for the catalog and recommendations (docs/api.md §9).
import { z } from "zod";
import type { Endpoint } from "@/lib/http/openapi";
import { CatalogItem, CatalogList, MAX_ITEMS_PER_CALL, MAX_LIMIT, RecommendationsResult, UpsertItemsBody, UpsertItemsResult } from "./schema";

export const endpoints: Endpoint[] = [
  {
    method: "post",
    path: "/api/v1/catalog/items",
    summary: `Insert or replace up to ${MAX_ITEMS_PER_CALL} catalog items; a bad item (or one over the limit) is named by its index (items.<i>.<field>) and nothing of the call is stored`,
    tag: "Catalog",
    access: "editor",
    body: UpsertItemsBody,
    response: UpsertItemsResult,
    errors: [400, 413],
  },
  {
    method: "get",
    path: "/api/v1/catalog/items",
    summary: "Search the catalog by name, id or category, newest first",
    tag: "Catalog",
    access: "viewer",
    response: CatalogList,
    query: { q: "text in the name, id or category", category: "one category", limit: "items per page (default 50, at most 200)", offset: "items to skip" },
    errors: [400],
  },
  { method: "get", path: "/api/v1/catalog/items/:id", summary: "One catalog item", tag: "Catalog", access: "viewer", response: CatalogItem, errors: [404] },
  { method: "delete", path: "/api/v1/catalog/items/:id", summary: "Delete a catalog item (what people did with it is kept)", tag: "Catalog", access: "editor", status: 204, errors: [404] },
  {
    method: "post",
    path: "/api/v1/catalog/import",
    summary: "Import catalog items from a CSV (id or product_id, name, url, image, price, category; other columns become attributes); progress at GET /api/v1/import/:id",
    tag: "Catalog",
    access: "editor",
    bodyContentTypes: ["text/csv"],
    response: z.object({ id: z.string() }),
    status: 202,
    errors: [400, 413],
    query: { name: "the file's name, shown in the console" },
  },
  {
    method: "get",
    path: "/api/v1/users/:userId/recommendations",
    summary: "A person's recommended items by strategy; items they bought are left out of popular, also_viewed and for_you; a person not seen yet gets popular items",
    tag: "Catalog",
    access: "viewer",
    response: RecommendationsResult,
    query: {
      strategy: "recently_viewed | popular | also_viewed | for_you (default for_you)",
      limit: `items (default 5, at most ${MAX_LIMIT})`,
      category: "only items of this category",
      item: "also_viewed: the item to start from (default: the person's last viewed item)",
    },
    errors: [400],
  },
];
