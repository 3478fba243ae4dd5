// `npm test`: lint, typecheck, unit + integration tests (vitest, PGlite and PostgreSQL), then the
// browser tests (Playwright against a production build). Ends with one line "N passed, M failed"
// totalled over every suite, and exits non-zero if anything failed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0" };
const tmp = mkdtempSync(path.join(tmpdir(), "pathwise-test-"));
const only = new Set((process.env.PATHWISE_TEST_SUITES ?? "lint,typecheck,openapi,sdk,unit,faults,e2e,contract").split(","));
const totals = { passed: 0, failed: 0, skipped: 0 };
const suites = [];

function run(cmd, args, extraEnv = {}) {
  console.log(`\n$ ${[cmd, ...args].join(" ")}`);
  const res = spawnSync(cmd, args, { stdio: "inherit", env: { ...env, ...extraEnv } });
  return res.status ?? 1;
}

function record(name, passed, failed, skipped = 0) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  suites.push(`${name}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
}

if (only.has("lint")) {
  const code = run("npx", ["eslint", "."]);
  record("lint", code === 0 ? 1 : 0, code === 0 ? 0 : 1);
}

if (only.has("typecheck")) {
  const code = run("npx", ["tsc", "--noEmit", "-p", "."]);
  record("typecheck", code === 0 ? 1 : 0, code === 0 ? 0 : 1);
}

if (only.has("openapi")) {
  // The served OpenAPI document, written by the same code, through Redocly's strict rules.
  const code = run("npm", ["run", "--silent", "lint:openapi"]);
  record("openapi lint", code === 0 ? 1 : 0, code === 0 ? 0 : 1);
}

if (only.has("sdk")) {
  // The committed public/sdk.js must be what sdk/*.ts builds to.
  const code = run("node", ["scripts/build-sdk.mjs", "--check"]);
  record("sdk bundle", code === 0 ? 1 : 0, code === 0 ? 0 : 1);
}

function vitest(name, args) {
  const report = path.join(tmp, `${name}.json`);
  const code = run("npx", ["vitest", "run", ...args, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
  if (!existsSync(report)) return record(name, 0, 1);
  const r = JSON.parse(readFileSync(report, "utf8"));
  // A file that fails to load has no test results of its own: count it as a failure.
  const brokenFiles = (r.testResults ?? []).filter((f) => f.status === "failed" && (f.assertionResults ?? []).length === 0).length;
  const failed = (r.numFailedTests ?? 0) + brokenFiles;
  record(name, r.numPassedTests ?? 0, failed, (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0));
  if (code !== 0 && failed === 0) record(`${name} (run)`, 0, 1);
}

if (only.has("unit")) vitest("vitest", []);

// The fault suite drives the build too (scale-out, slow clients): it runs after the build.
let built = null;
if (only.has("faults") || only.has("e2e")) {
  built = run("npm", ["run", "build"], { PATHWISE_SKIP_TYPECHECK: "1" }) === 0;
  if (!built) record("build", 0, 1);
}
if (only.has("faults")) vitest("faults", ["--config", "scripts/faults/vitest.config.mts"]);

if (only.has("e2e")) {
  if (built) {
    const report = path.join(tmp, "playwright.json");
    const code = run("npx", ["playwright", "test"], { PW_JSON: report });
    if (existsSync(report)) {
      const s = JSON.parse(readFileSync(report, "utf8")).stats ?? {};
      record("playwright", (s.expected ?? 0) + (s.flaky ?? 0), s.unexpected ?? 0, s.skipped ?? 0);
      if (code !== 0 && !(s.unexpected > 0)) record("playwright (run)", 0, 1);
    } else {
      record("playwright", 0, 1);
    }
    // The contract suite drives the same build over HTTP, on PGlite and on PostgreSQL.
    if (only.has("contract")) vitest("contract", ["--config", "tests/contract/vitest.config.mts"]);
  }
}

rmSync(tmp, { recursive: true, force: true });
console.log("\n" + suites.join("\n"));
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`);
process.exit(totals.failed > 0 ? 1 : 0);
