// Console accounts for a team (admin): list, and create with a role.
import { route, json } from "@/lib/http/route";
import { CreateAccountBody, createAccountIfNew, publicAccount } from "@/lib/auth/accounts";
import { conflict } from "@/lib/http/errors";
import { audit } from "@/lib/audit";

export const GET = route({ name: "accounts.list", access: "admin" }, async ({ db }) => ({
  accounts: (await db.prisma.account.findMany({ orderBy: { createdAt: "asc" } })).map(publicAccount),
}));

export const POST = route({ name: "accounts.create", access: "admin", body: CreateAccountBody }, async ({ db, body, principal }) => {
  // One atomic insert: a concurrent request for the same email gets the 409, not a unique violation (docs/api.md §3).
  const account = await createAccountIfNew(db, body);
  if (!account) throw conflict("An account with that email exists already");
  await audit(db, principal.actor, "account.create", account.id, { email: account.email, role: account.role });
  return json({ account }, 201);
});
