// API keys, docs/api.md §2: list (admin) and create (shown once).
import { route, json } from "@/lib/http/route";
import { CreateKeyBody, createKey, listKeys } from "@/lib/auth/keys";
import { audit } from "@/lib/audit";

export const GET = route({ name: "keys.list", access: "admin" }, async ({ db }) => ({ keys: await listKeys(db) }));

export const POST = route({ name: "keys.create", access: "admin", body: CreateKeyBody }, async ({ db, body, principal }) => {
  const key = await createKey(db, body, principal.actor);
  await audit(db, principal.actor, "key.create", key.id, { kind: key.kind, name: key.name });
  return json({ id: key.id, kind: key.kind, name: key.name, key: key.key, prefix: key.prefix, createdAt: key.createdAt }, 201);
});
