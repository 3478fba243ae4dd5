// GET /api/v1/audit (admin): the audit log, newest first; ?limit, ?before (paging), ?action, ?actor, ?target.
import { route } from "@/lib/http/route";
import { AuditQuery, listAudit } from "@/lib/auth/audit-log";
import { badRequest, zodToDetails } from "@/lib/http/errors";

export const GET = route({ name: "audit.list", access: "admin" }, async ({ db, url }) => {
  const parsed = AuditQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw badRequest("The query has parameters of the wrong shape", zodToDetails(parsed.error));
  return listAudit(db, parsed.data);
});
