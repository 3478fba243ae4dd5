// The project's modules import each other without cycles (type-only imports included): a cycle makes
// module initialisation order matter and lets a layer reach back into the one that calls it.
import { readdirSync, readFileSync, statSync, existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = process.cwd();
const DIRS = ["lib", "app", "components"];

function walk(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = path.join(dir, f);
    if (f === "generated" || f === "node_modules") continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(f) && !/\.(test|spec)\.tsx?$/.test(f)) out.push(p);
  }
  return out;
}

function resolve(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null;
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return null;
}

/** Every `import … from "x"`, `export … from "x"` and `import("x")` of a file, resolved to project files. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*["']([^"']+)["']|(?:^|\n)\s*import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g)) {
    const r = resolve(file, m[1] ?? m[2] ?? m[3]);
    if (r) out.push(r);
  }
  return out;
}

export function findCycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (n: string) => {
    state.set(n, 1);
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (!graph.has(m)) continue;
      if (state.get(m) === 1) cycles.push([...stack.slice(stack.indexOf(m)), m].map((f) => path.relative(ROOT, f)));
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
  return cycles;
}

describe("import graph", () => {
  it("finds a cycle when there is one, through type-only imports too (the check itself works)", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pathwise-cycle-"));
    try {
      writeFileSync(path.join(dir, "a.ts"), `import { b } from "./b";\nexport const a = () => b;\n`);
      writeFileSync(path.join(dir, "b.ts"), `import type { C } from "./c";\nexport const b = 1 as unknown as C;\n`);
      writeFileSync(path.join(dir, "c.ts"), `export type C = number;\nexport { a } from "./a";\n`);
      const cycles = findCycles(["a.ts", "b.ts", "c.ts"].map((f) => path.join(dir, f)));
      expect(cycles).toHaveLength(1);
      expect(cycles[0].map((f) => path.basename(f))).toEqual(["a.ts", "b.ts", "c.ts", "a.ts"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has no cycles in lib, app and components", () => {
    const files = DIRS.flatMap((d) => walk(path.join(ROOT, d)));
    expect(files.length).toBeGreaterThan(100);
    expect(findCycles(files)).toEqual([]);
  });
});
