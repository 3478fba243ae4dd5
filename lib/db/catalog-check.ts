// Reads a migrated database's catalog (pg_class, pg_index, pg_constraint) and lists every way it
// breaks the placement rules of lib/db/distribution.ts, the rules a sharded PostgreSQL (Citus) enforces:
// unique indexes and foreign keys of a distributed table include its distribution column, foreign keys
// between distributed tables join co-located tables on that column, and neither reference nor local
// tables point at distributed ones. Also: every table is classified.
import type { Sql } from "./sql";
import { placementOf, type Placement } from "./distribution";

export type CatalogProblem = { table: string; rule: string; message: string };

type TableRow = { name: string };
type IndexRow = { table: string; index: string; columns: string[]; is_primary: boolean; expr: boolean };
type ForeignKeyRow = { table: string; name: string; columns: string[]; ref_table: string; ref_columns: string[] };

function colocationGroup(name: string, p: Placement): string | null {
  if (p.kind !== "distributed") return null;
  return p.colocateWith ?? name;
}

export async function checkCatalog(sql: Sql, classify: (table: string) => Placement | undefined = placementOf): Promise<CatalogProblem[]> {
  const problems: CatalogProblem[] = [];
  // Ordinary and partitioned tables of the public schema; a partition belongs to its parent.
  const tables = await sql.query<TableRow>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
  );
  const indexes = await sql.query<IndexRow>(
    `SELECT t.relname AS "table", i.relname AS "index", x.indisprimary AS is_primary, (x.indexprs IS NOT NULL) AS expr,
            ARRAY(SELECT a.attname::text FROM unnest(x.indkey[0:x.indnkeyatts - 1]) AS k(attnum) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns
       FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND x.indisunique AND NOT t.relispartition ORDER BY 1, 2`,
  );
  const fks = await sql.query<ForeignKeyRow>(
    `SELECT t.relname AS "table", c.conname AS name, r.relname AS ref_table,
            ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, o) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.o) AS columns,
            ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, o) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.o) AS ref_columns
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND c.contype = 'f' AND NOT t.relispartition AND c.conparentid = 0 ORDER BY 1, 2`,
  );

  const placements = new Map<string, Placement>();
  for (const { name } of tables) {
    const p = classify(name);
    if (!p) {
      problems.push({
        table: name,
        rule: "unclassified",
        message: `table "${name}" is not classified: add it to TABLES in lib/db/distribution.ts as distributed (by profile_id, if it holds a person's rows), reference or local`,
      });
      continue;
    }
    placements.set(name, p);
  }

  for (const ix of indexes) {
    const p = placements.get(ix.table);
    if (!p || p.kind !== "distributed") continue;
    const what = ix.is_primary ? "primary key" : "unique index";
    if (ix.expr || !ix.columns.includes(p.column)) {
      problems.push({
        table: ix.table,
        rule: "unique-without-distribution-column",
        message: `${what} "${ix.index}" on ${ix.table}(${ix.columns.join(", ")}) does not include the distribution column ${p.column}`,
      });
    }
  }

  for (const fk of fks) {
    const from = placements.get(fk.table);
    const to = placements.get(fk.ref_table);
    if (!from || !to) continue;
    const label = `foreign key "${fk.name}" ${fk.table}(${fk.columns.join(", ")}) -> ${fk.ref_table}(${fk.ref_columns.join(", ")})`;
    if (from.kind === "distributed" && to.kind === "distributed") {
      const pos = fk.columns.indexOf(from.column);
      const sameGroup = colocationGroup(fk.table, from) === colocationGroup(fk.ref_table, to);
      if (!sameGroup) problems.push({ table: fk.table, rule: "fk-across-colocation", message: `${label} joins tables that are not co-located` });
      else if (pos < 0 || fk.ref_columns[pos] !== to.column) {
        problems.push({ table: fk.table, rule: "fk-without-distribution-column", message: `${label} does not pair ${fk.table}.${from.column} with ${fk.ref_table}.${to.column}` });
      }
    } else if (from.kind === "distributed" && to.kind === "local") {
      problems.push({ table: fk.table, rule: "fk-distributed-to-local", message: `${label}: a distributed table cannot reference a coordinator-only table` });
    } else if (from.kind !== "distributed" && to.kind === "distributed") {
      problems.push({ table: fk.table, rule: `fk-${from.kind}-to-distributed`, message: `${label}: a ${from.kind} table cannot reference a distributed table` });
    } else if (from.kind === "reference" && to.kind === "local") {
      problems.push({ table: fk.table, rule: "fk-reference-to-local", message: `${label}: a reference table cannot reference a coordinator-only table` });
    }
  }
  return problems;
}
