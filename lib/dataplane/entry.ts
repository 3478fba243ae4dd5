// The data plane's entry, bundled by scripts/build-dataplane.mjs into <build>/dataplane/server.mjs
// and loaded by `npm start` (scripts/start.mjs) beside Next in the same process. The process-wide
// state both bundles use (database, flow cache, key and settings caches, metrics, rate limiter,
// worker) lives on globalThis, so there is one of each per process whichever bundle touches it first.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { boot } from "@/lib/runtime/boot";
import { getDb } from "@/lib/db/client";
import { createDataPlane, type DataPlane } from "./server";
import type { RouteModule } from "./paths";

type ManifestHeaders = Array<{ regex: string; headers: Array<{ key: string; value: string }> }>;

/** The headers next.config.js gives every answer, as the build recorded them (one rule, not a copy). */
function buildHeaders(distDir: string) {
  const file = path.join(distDir, "routes-manifest.json");
  if (!existsSync(file)) return [];
  const manifest = JSON.parse(readFileSync(file, "utf8")) as { headers?: ManifestHeaders };
  return (manifest.headers ?? []).map((h) => ({ regex: new RegExp(h.regex), headers: h.headers.map((x) => [x.key, x.value] as [string, string]) }));
}

export type StartedDataPlane = DataPlane & { ready: Promise<void> };

export function startDataPlane(routes: Record<string, RouteModule>, distDir = path.resolve(process.env.NEXT_DIST_DIR || ".next")): StartedDataPlane {
  const plane = createDataPlane(routes, { headers: buildHeaders(distDir) });
  // Migrations, the bootstrap admin and the worker: the same boot Next's instrumentation runs (once per process).
  const ready = getDb().then(() => boot({ worker: process.env.PATHWISE_WORKER !== "off" }));
  return { ...plane, ready };
}
