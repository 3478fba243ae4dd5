// Prints the SQL that turns a migrated Pathwise database on a Citus coordinator into a sharded one:
// one create_reference_table / create_distributed_table call per table, from the classification in
// lib/db/distribution.ts (the same one the catalog test enforces). Usage: npm run citus:sql | psql "$URL"
import { citusStatements, TABLES } from "@/lib/db/distribution";

const local = Object.entries(TABLES).filter(([, p]) => p.kind === "local").map(([n]) => n);
const lines = [
  "-- Pathwise on Citus: run once on the coordinator, after the migrations, before traffic (docs/scaling.md).",
  `-- Coordinator-only tables (no call): ${local.join(", ")}.`,
  "-- The /decide cache hears changes through triggers that NOTIFY; on Citus they would fire on the",
  "-- workers, where no instance listens: they are dropped here, and every instance must run with",
  "-- PATHWISE_DECIDE_CACHE=0 (docs/scaling.md).",
  "BEGIN;",
  "DROP TRIGGER IF EXISTS touchpoints_decide_insert ON touchpoints;",
  "DROP TRIGGER IF EXISTS touchpoints_decide_update ON touchpoints;",
  "DROP TRIGGER IF EXISTS touchpoints_decide_delete ON touchpoints;",
  "DROP TRIGGER IF EXISTS identity_directory_decide_update ON identity_directory;",
  "DROP TRIGGER IF EXISTS identity_directory_decide_delete ON identity_directory;",
  ...citusStatements(),
  "COMMIT;",
];
process.stdout.write(lines.join("\n") + "\n");
