import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { defineConfig, globalIgnores } from "eslint/config";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", ".next-*/**", ".data*/**", "out/**", "next-env.d.ts", "lib/generated/**", "public/sdk*.js", ".pathwise/**", "test-results/**", "playwright-report/**", "coverage/**"]),
]);
