// GET /api/v1/import/:id → {status, total, done, failed, errors:[{row, message}]} (docs/api.md §7).
import { route } from "@/lib/http/route";
import { notFound } from "@/lib/http/errors";
import { getImport } from "@/lib/ingest/import";

export const GET = route({ name: "import.get", access: "viewer" }, async ({ db, params }) => {
  const status = await getImport(db.sql, params.id);
  if (!status) throw notFound("Import");
  return status;
});
