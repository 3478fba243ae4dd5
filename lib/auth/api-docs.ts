// OpenAPI entries for team management and the audit log.
import { z } from "zod";
import type { Endpoint } from "@/lib/http/openapi";
import { UpdateAccountBody } from "./manage-accounts";
import { AuditPage } from "./audit-log";

const Account = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(["viewer", "editor", "admin"]), createdAt: z.string() }).meta({ id: "Account" });

export const endpoints: Endpoint[] = [
  { method: "patch", path: "/api/v1/accounts/:id", summary: "Change an account's role or name (never the last admin's role)", tag: "Accounts", access: "admin", body: UpdateAccountBody, response: z.object({ account: Account }), errors: [404, 409] },
  { method: "delete", path: "/api/v1/accounts/:id", summary: "Remove an account and end its sessions (never the last admin)", tag: "Accounts", access: "admin", status: 204, errors: [404, 409] },
  { method: "get", path: "/api/v1/audit", summary: "The audit log, newest first", tag: "Audit", access: "admin", response: AuditPage, errors: [400],
    query: { limit: "Entries per page, 1-200 (default 50)", before: "Only entries with a smaller id (the previous page's nextBefore)", action: "One action (flow.publish), or a family ending in a dot (flow.)", actor: "Who acted (an email or key:<name>)", target: "What was acted on (an id)" } },
];
