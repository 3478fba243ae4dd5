// POST /api/v1/catalog/import: a CSV of catalog items (id, name, url, image, price, category; any
// other column an attribute) → 202 {id}; progress at GET /api/v1/import/:id (docs/api.md §9, §7).
import { route, json } from "@/lib/http/route";
import { ApiError } from "@/lib/http/errors";
import { createImport, readUpload } from "@/lib/ingest/import";

export const POST = route({ name: "catalog.import", access: "editor" }, async ({ db, req, url, principal }) => {
  const upload = await readUpload(req.body, undefined, req.headers.get("content-length"));
  if (!upload.ok) throw new ApiError(upload.status, upload.status === 413 ? "payload_too_large" : "invalid_request", upload.message);
  const created = await createImport(db, { data: upload.data, format: "csv", kind: "catalog", source: url.searchParams.get("name"), createdBy: principal.actor });
  if (!created.ok) throw new ApiError(created.status, created.status === 413 ? "payload_too_large" : "invalid_request", created.message);
  return json({ id: created.id }, 202);
});
