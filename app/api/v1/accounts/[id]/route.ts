// PATCH /api/v1/accounts/:id (change role or name) and DELETE (remove), admin only; the last admin
// can be neither demoted nor removed.
import { route } from "@/lib/http/route";
import { deleteAccount, updateAccount, UpdateAccountBody, type ManageResult } from "@/lib/auth/manage-accounts";
import { conflict, notFound } from "@/lib/http/errors";
import { audit } from "@/lib/audit";

function refuse(result: Extract<ManageResult, { ok: false }>): never {
  if (result.reason === "not_found") throw notFound("Account");
  throw conflict("The console needs at least one admin: make another account admin first", [{ code: "last_admin" }]);
}

export const PATCH = route({ name: "accounts.update", access: "admin", body: UpdateAccountBody }, async ({ db, params, body, principal }) => {
  const result = await updateAccount(db, params.id, body);
  if (!result.ok) refuse(result);
  const { account, before } = result;
  if (before.role !== account.role) await audit(db, principal.actor, "account.role", account.id, { email: account.email, from: before.role, to: account.role });
  if (before.name !== account.name) await audit(db, principal.actor, "account.rename", account.id, { email: account.email });
  return { account };
});

export const DELETE = route({ name: "accounts.delete", access: "admin" }, async ({ db, params, principal }) => {
  const result = await deleteAccount(db, params.id);
  if (!result.ok) refuse(result);
  await audit(db, principal.actor, "account.delete", result.account.id, { email: result.account.email, role: result.account.role });
  return new Response(null, { status: 204 });
});
