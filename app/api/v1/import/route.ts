// POST /api/v1/import (CSV with a userId column, or JSON [{userId, traits}]) → 202 {id}; GET lists recent imports.
import { route, json } from "@/lib/http/route";
import { ApiError } from "@/lib/http/errors";
import { createImport, detectFormat, listImports, readUpload } from "@/lib/ingest/import";

export const POST = route({ name: "import.create", access: "editor" }, async ({ db, req, url, principal }) => {
  const upload = await readUpload(req.body, undefined, req.headers.get("content-length"));
  if (!upload.ok) throw new ApiError(upload.status, upload.status === 413 ? "payload_too_large" : "invalid_request", upload.message);
  const created = await createImport(db, {
    data: upload.data,
    format: detectFormat(req.headers.get("content-type"), upload.data),
    source: url.searchParams.get("name"),
    createdBy: principal.actor,
  });
  if (!created.ok) throw new ApiError(created.status, created.status === 413 ? "payload_too_large" : "invalid_request", created.message);
  return json({ id: created.id }, 202);
});

export const GET = route({ name: "import.list", access: "viewer" }, async ({ db }) => ({ imports: await listImports(db.sql) }));
