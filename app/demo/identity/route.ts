// The storefront's "own server" for identity verification: signs the userId a visitor signed up with,
// as a customer's backend would, so the demo also works with identity verification on. It signs only
// storefront shopper ids, so it can never vouch for a real user of the same installation.
import { z } from "zod";
import { route } from "@/lib/http/route";
import { findKey } from "@/lib/auth/keys";
import { demoConfig, SHOPPER_PREFIX } from "@/lib/demo/config";
import { identitySecretFor, userHash } from "@/lib/auth/identity-verification";

const Body = z.object({ userId: z.string().startsWith(SHOPPER_PREFIX).max(200) });

export const POST = route({ name: "demo.identity", access: "public", body: Body, limit: 4096 }, async ({ db, body }) => {
  const { writeKey } = await demoConfig(db);
  const key = writeKey ? await findKey(db, writeKey) : null;
  const secret = key ? await identitySecretFor(db.sql, { kind: "write", keyId: key.id }) : null;
  return { userHash: secret ? userHash(body.userId, secret) : null };
});
