// Fault tests (processes killed mid-work): slow and run apart from the unit suite, by `npm run test:faults`.
import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "..", "..") } },
  test: {
    root: path.resolve(import.meta.dirname, "..", ".."),
    include: ["scripts/faults/**/*.fault.ts"],
    environment: "node",
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
