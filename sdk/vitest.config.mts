// Unit tests of the browser SDK (jsdom, per file): `npx vitest run --config sdk/vitest.config.mts`.
import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "..") } },
  test: { root: path.resolve(import.meta.dirname, ".."), include: ["sdk/**/*.test.ts"], environment: "node", testTimeout: 20_000 },
});
