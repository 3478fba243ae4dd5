// Prints the SQL that turns a migrated Pathwise database on a Citus coordinator into a sharded one:
// one create_reference_table / create_distributed_table call per table, from the classification in
// lib/db/distribution.ts (the same one the catalog test enforces). Usage: npm run citus:sql | psql "$URL"
import { citusStatements, TABLES } from "@/lib/db/distribution";

const local = Object.entries(TABLES).filter(([, p]) => p.kind === "local").map(([n]) => n);
const lines = [
  "-- Pathwise on Citus: run once on the coordinator, after the migrations, before traffic (docs/scaling.md).",
  `-- Coordinator-only tables (no call): ${local.join(", ")}.`,
  "BEGIN;",
  ...citusStatements(),
  "COMMIT;",
];
process.stdout.write(lines.join("\n") + "\n");
