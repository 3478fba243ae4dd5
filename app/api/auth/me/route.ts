// GET /api/auth/me: the signed-in account (the console reads its role to show what it may do).
import { route } from "@/lib/http/route";
import { unauthorized } from "@/lib/http/errors";

export const GET = route({ name: "auth.me", access: "viewer" }, async ({ principal }) => {
  if (principal.kind !== "session") throw unauthorized("Not signed in to the console");
  const a = principal.account;
  return { account: { id: a.accountId, email: a.email, name: a.name, role: a.role } };
});
