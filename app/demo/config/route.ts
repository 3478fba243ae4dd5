// The storefront's SDK settings: GET is public (a write key is publishable); PUT (admin or secret key)
// sets the write key the storefront uses, which `npm run demo` and the browser tests do.
import { route } from "@/lib/http/route";
import { badRequest } from "@/lib/http/errors";
import { DemoConfigBody, demoConfig, setDemoWriteKey } from "@/lib/demo/config";

export const dynamic = "force-dynamic";

export const GET = route({ name: "demo.config", access: "public" }, async ({ db }) => {
  const cfg = await demoConfig(db);
  return Response.json(cfg, { headers: { "cache-control": "no-store" } });
});

export const PUT = route({ name: "demo.config.set", access: "admin", body: DemoConfigBody }, async ({ db, body }) => {
  const result = await setDemoWriteKey(db, body.writeKey);
  if (!result.ok) throw badRequest(result.message, [{ path: "writeKey", message: result.message }]);
  return { success: true };
});
