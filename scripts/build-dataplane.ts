// `npm run build` (after `next build`): bundles the data plane (lib/dataplane/entry.ts and the route
// modules of every data-plane path that exists under app/) into <NEXT_DIST_DIR>/dataplane/server.mjs
// with esbuild. Packages stay external (the same node_modules Next's server uses).
import { existsSync } from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { DATA_PLANE_PATHS as paths } from "../lib/dataplane/paths";

const root = process.cwd();
const distDir = path.resolve(root, process.env.NEXT_DIST_DIR || ".next");

const present = paths.filter((p) => existsSync(path.join(root, "app", p, "route.ts")));
const imports = present.map((p, i) => `import * as r${i} from ${JSON.stringify(`./app${p}/route`)};`).join("\n");
const table = present.map((p, i) => `${JSON.stringify(p)}: r${i}`).join(", ");
const contents = `${imports}\nimport { startDataPlane } from "./lib/dataplane/entry";\nexport const plane = startDataPlane({ ${table} });\n`;

const out = path.join(distDir, "dataplane", "server.mjs");
async function main() {
  await esbuild.build({
    stdin: { contents, resolveDir: root, loader: "ts", sourcefile: "dataplane-entry.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile: out,
    sourcemap: true,
    tsconfig: path.join(root, "tsconfig.json"),
    // Bundled CommonJS (if any) may call require: give it one.
    banner: { js: `import { createRequire as __pwCreateRequire } from "node:module"; const require = __pwCreateRequire(import.meta.url);` },
    logLevel: "warning",
  });
  console.log(`[build] data plane: ${present.length} endpoints → ${path.relative(root, out)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
