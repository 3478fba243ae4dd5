// Catalog items (docs/api.md §9): upsert in one statement, read, delete, and the console's search.
import type { Sql } from "@/lib/db/sql";
import type { CatalogItem, CatalogItemInput } from "./schema";

type ItemRow = { id: string; name: string; url: string | null; image: string | null; price: number | null; category: string | null; attributes: Record<string, unknown>; created_at: Date; updated_at: Date };

const COLUMNS = `id, name, url, image, price, category, attributes, created_at, updated_at`;

const view = (r: ItemRow): CatalogItem => ({
  id: r.id,
  name: r.name,
  url: r.url,
  image: r.image,
  price: r.price === null ? null : Number(r.price),
  category: r.category,
  attributes: r.attributes ?? {},
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/**
 * Inserts or replaces the items (the last of a repeated id wins), as one jsonb parameter whatever the
 * count. Returns how many distinct ids were written.
 */
export async function upsertItems(sql: Sql, items: CatalogItemInput[]): Promise<number> {
  const byId = new Map<string, CatalogItemInput>();
  for (const it of items) byId.set(it.id, it);
  if (!byId.size) return 0;
  const rows = [...byId.values()].map((it) => ({
    id: it.id,
    name: it.name,
    url: it.url ?? null,
    image: it.image ?? null,
    price: it.price ?? null,
    category: it.category ?? null,
    attributes: it.attributes ?? {},
  }));
  await sql.query(
    `INSERT INTO catalog_items (id, name, url, image, price, category, attributes)
     SELECT x.id, x.name, x.url, x.image, x.price, x.category, coalesce(x.attributes, '{}'::jsonb)
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, url text, image text, price float8, category text, attributes jsonb)
     ORDER BY x.id
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, url = EXCLUDED.url, image = EXCLUDED.image, price = EXCLUDED.price,
            category = EXCLUDED.category, attributes = EXCLUDED.attributes, updated_at = now()`,
    [JSON.stringify(rows)],
  );
  return rows.length;
}

export async function getItem(sql: Sql, id: string): Promise<CatalogItem | null> {
  const [r] = await sql.query<ItemRow>(`SELECT ${COLUMNS} FROM catalog_items WHERE id = $1`, [id]);
  return r ? view(r) : null;
}

/** Deletes the item; what people did with it (views, purchases, pairs) stays, as for an unknown id. */
export async function deleteItem(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql.query<{ id: string }>(`DELETE FROM catalog_items WHERE id = $1 RETURNING id`, [id]);
  return rows.length > 0;
}

/** The console's list: newest first, searched by id, name or category (case-insensitive), one category if given. */
export async function listItems(sql: Sql, opts: { q?: string; category?: string; limit?: number; offset?: number }): Promise<{ items: CatalogItem[]; total: number; categories: string[] }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const q = opts.q?.trim();
  if (q) {
    params.push(`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(name ILIKE $${params.length} OR id ILIKE $${params.length} OR category ILIKE $${params.length})`);
  }
  if (opts.category) {
    params.push(opts.category);
    where.push(`category = $${params.length}`);
  }
  const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const offset = Math.max(opts.offset ?? 0, 0);
  const rows = await sql.query<ItemRow>(`SELECT ${COLUMNS} FROM catalog_items ${filter} ORDER BY updated_at DESC, id LIMIT ${limit} OFFSET ${offset}`, params);
  const [count] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM catalog_items ${filter}`, params);
  const cats = await sql.query<{ category: string }>(`SELECT DISTINCT category FROM catalog_items WHERE category IS NOT NULL ORDER BY category LIMIT 500`);
  return { items: rows.map(view), total: count?.n ?? 0, categories: cats.map((c) => c.category) };
}
