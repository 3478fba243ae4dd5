// The contract conformance suite: drives the already-built server over real HTTP (and chromium) as an
// outside client would. Build first (`npm run build`, or `NEXT_DIST_DIR=<dir> npx next build` and the same
// NEXT_DIST_DIR when running), then `npx vitest run --config tests/contract/vitest.config.mts`.
import { defineConfig } from "vitest/config";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    root,
    include: ["tests/contract/**/*.contract.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    // One server per database kind, one after the other: the machine is small and the timing checks
    // (a wait's timeout firing within a second of being due) need a quiet CPU.
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
