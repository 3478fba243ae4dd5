// OpenAPI entries for team management and the audit log.
import { z } from "zod";
import type { Endpoint } from "@/lib/http/openapi";
import { UpdateAccountBody } from "./manage-accounts";
import { AuditPage } from "./audit-log";

export const Account = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(["viewer", "editor", "admin"]), createdAt: z.string() }).meta({ id: "Account" });

const SignIn = z.object({ email: z.string(), password: z.string(), next: z.string().optional() }).meta({ id: "SignIn", description: "JSON sign-in; the /login form posts the same fields form-encoded" });
const Me = z.object({ account: z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(["viewer", "editor", "admin"]) }) });

export const endpoints: Endpoint[] = [
  {
    method: "post",
    path: "/api/auth/login",
    summary: "Sign a console account in: JSON answers {account} and sets the session cookie; the form is sent on with a 303",
    tag: "Console sessions",
    access: "public",
    body: SignIn,
    response: z.object({ account: Account }),
    responses: { 303: { description: "Form sign-in: sent on (or back to /login with ?error=)" } },
    errors: [401, 403, 429],
  },
  {
    method: "post",
    path: "/api/auth/logout",
    summary: "End the console session and clear its cookie (JSON with Accept: application/json, else a 303 to /login)",
    tag: "Console sessions",
    access: "public",
    response: z.object({ success: z.literal(true) }),
    responses: { 303: { description: "Sent to /login" } },
    errors: [403],
  },
  { method: "get", path: "/api/auth/me", summary: "The signed-in console account", tag: "Console sessions", access: "viewer", response: Me },
  { method: "patch", path: "/api/v1/accounts/:id", summary: "Change an account's role or name (never the last admin's role)", tag: "Accounts", access: "admin", body: UpdateAccountBody, response: z.object({ account: Account }), errors: [404, 409] },
  { method: "delete", path: "/api/v1/accounts/:id", summary: "Remove an account and end its sessions (never the last admin)", tag: "Accounts", access: "admin", status: 204, errors: [404, 409] },
  { method: "get", path: "/api/v1/audit", summary: "The audit log, newest first", tag: "Audit", access: "admin", response: AuditPage, errors: [400],
    query: { limit: "Entries per page, 1-200 (default 50)", before: "Only entries with a smaller id (the previous page's nextBefore)", action: "One action (flow.publish), or a family ending in a dot (flow.)", actor: "Who acted (an email or key:<name>)", target: "What was acted on (an id)" } },
];
