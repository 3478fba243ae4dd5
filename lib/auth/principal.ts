// Who is calling (a Principal) and who may call a route (an Access): the vocabulary of route(), the
// rate limiter and the OpenAPI document, kept here so that none of them imports another for it.
import type { SessionAccount } from "./sessions";
import type { Role } from "./roles";

export type Principal =
  | { kind: "secret"; keyId: string; name: string; role: "admin"; actor: string }
  | { kind: "write"; keyId: string; name: string; role: null; actor: string }
  | { kind: "session"; account: SessionAccount; role: Role; actor: string };

/**
 * Who may call a route:
 * - "public": anybody (health, openapi);
 * - "write": secret keys, write keys, and signed-in accounts (ingestion, /decide, /outcomes);
 * - a Role: secret keys, and signed-in accounts with at least that role. Write keys get 403.
 */
export type Access = "public" | "write" | Role;
