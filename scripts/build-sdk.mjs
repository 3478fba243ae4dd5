// Builds the browser SDK from sdk/*.ts: public/sdk.js (the tag customers add, budget 15 KB gzipped)
// and public/sdk-tour.js (driver.js and its CSS, loaded only when content asks for a tour).
// Usage: node scripts/build-sdk.mjs [--check]  (--check fails if the committed files are stale)
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";

const root = path.join(import.meta.dirname, "..");
const BUDGET = 15 * 1024;
const check = process.argv.includes("--check");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));

const targets = [
  { entry: "sdk/index.ts", out: "public/sdk.js", budget: BUDGET },
  // The tour library stays in its own file so pages without tours never download it.
  { entry: "sdk/tour.ts", out: "public/sdk-tour.js", budget: null, note: "tour chunk; MIT, includes driver.js by Kamran Ahmed (MIT)" },
];

let failed = false;
for (const t of targets) {
  const result = await build({
    entryPoints: [path.join(root, t.entry)],
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2019"],
    platform: "browser",
    write: false,
    legalComments: "eof",
    loader: { ".css": "text" },
    banner: { js: `/* Pathwise browser SDK ${pkg.version} (${t.note ?? pkg.license}) */` },
    logLevel: "warning",
  });
  const code = result.outputFiles[0].text;
  const file = path.join(root, t.out);
  const gz = gzipSync(code, { level: 9 }).length;
  console.log(`${t.out}: ${code.length} bytes, ${gz} bytes gzipped${t.budget ? ` (budget ${t.budget})` : ""}`);
  if (t.budget && gz > t.budget) {
    console.error(`${t.out} is over its budget of ${t.budget} gzipped bytes`);
    failed = true;
  }
  if (check) {
    if (!existsSync(file) || readFileSync(file, "utf8") !== code) {
      console.error(`${t.out} is stale: run node scripts/build-sdk.mjs`);
      failed = true;
    }
  } else {
    writeFileSync(file, code);
  }
}
process.exit(failed ? 1 : 0);
