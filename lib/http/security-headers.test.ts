// The security headers every response carries (next.config.js): CSP with frame-ancestors, no-sniff,
// no framing, a referrer and permissions policy, and HSTS only when asked for.
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const CONFIG = require.resolve("../../next.config.js");

type Rule = { source: string; headers: { key: string; value: string }[] };

async function headersFor(env: Record<string, string | undefined> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    delete require.cache[CONFIG];
    const config = require(CONFIG) as { headers: () => Promise<Rule[]>; poweredByHeader?: boolean };
    const rules = await config.headers();
    const all = rules.find((r) => r.source === "/:path*");
    return { config, headers: Object.fromEntries((all?.headers ?? []).map((h) => [h.key.toLowerCase(), h.value])) };
  } finally {
    process.env = saved;
    delete require.cache[CONFIG];
  }
}

describe("security headers", () => {
  afterEach(() => {
    delete require.cache[CONFIG];
  });

  it("apply to every path", async () => {
    const { headers, config } = await headersFor();
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["permissions-policy"]).toMatch(/camera=\(\)/);
    expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
    expect(config.poweredByHeader).toBe(false);
  });

  it("have a CSP that forbids framing, foreign scripts, plugins and foreign form targets", async () => {
    const { headers } = await headersFor({ NODE_ENV: "production" });
    const csp = Object.fromEntries(
      headers["content-security-policy"].split(";").map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(csp["default-src"]).toEqual(["'self'"]);
    expect(csp["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp["object-src"]).toEqual(["'none'"]);
    expect(csp["base-uri"]).toEqual(["'self'"]);
    expect(csp["form-action"]).toEqual(["'self'"]);
    expect(csp["connect-src"]).toEqual(["'self'"]);
    expect(csp["script-src"]).not.toContain("'unsafe-eval'");
    expect(csp["script-src"].filter((s: string) => s.startsWith("http") || s === "*")).toEqual([]);
  });

  it("add HSTS only when the site is served over https (PATHWISE_HSTS=1)", async () => {
    expect((await headersFor()).headers["strict-transport-security"]).toBeUndefined();
    expect((await headersFor({ PATHWISE_HSTS: "1" })).headers["strict-transport-security"]).toMatch(/max-age=31536000/);
  });
});
