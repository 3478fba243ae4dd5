// The answer for any /api path that names no endpoint: a JSON 404 (never an HTML page), with CORS
// headers under /api/v1 so that a browser script can read it; the preflight of such a path succeeds.
import { errorBody } from "./errors";
import { corsPreflight, isCorsPath, withCors } from "./cors";

export function apiNotFound(req: Request): Response {
  const path = new URL(req.url).pathname;
  const res = Response.json(errorBody("not_found", `No endpoint at ${req.method} ${path}`), { status: 404 });
  return isCorsPath(path) ? withCors(res) : res;
}

export function apiNotFoundPreflight(req: Request): Response {
  return isCorsPath(new URL(req.url).pathname) ? corsPreflight(req) : new Response(null, { status: 204, headers: { allow: "OPTIONS" } });
}
