// GET and DELETE /api/v1/catalog/items/:id (docs/api.md §9).
import { route } from "@/lib/http/route";
import { notFound } from "@/lib/http/errors";
import { deleteItem, getItem } from "@/lib/catalog/items";

export const GET = route({ name: "catalog.get", access: "viewer" }, async ({ db, params }) => {
  const item = await getItem(db.sql, params.id);
  if (!item) throw notFound("Catalog item");
  return item;
});

export const DELETE = route({ name: "catalog.delete", access: "editor" }, async ({ db, params }) => {
  if (!(await deleteItem(db.sql, params.id))) throw notFound("Catalog item");
  return new Response(null, { status: 204 });
});
