// analytics.js as a customer's site runs it: Segment's @segment/analytics-next bundled with esbuild,
// served from another origin, posting straight to Pathwise (apiHost "<host>/api/v1", no proxy), in
// Debian's chromium. Every message is read back through the users API.
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { expect, test, type Page } from "@playwright/test";
import { auth, signIn } from "./helpers";

let site: http.Server;
let siteOrigin = "";
let writeKey = "";
let apiHost = "";

test.beforeAll(async ({ request, baseURL }) => {
  const key = await request.post("/api/v1/keys", { headers: auth, data: { kind: "write", name: "analytics.js e2e" } });
  expect(key.status()).toBe(201);
  writeKey = (await key.json()).key;
  apiHost = `${new URL(baseURL!).host}/api/v1`;
  const bundle = await build({
    entryPoints: [path.resolve("e2e", "fixtures", "analytics-browser.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    write: false,
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0].text;
  // The customer's site: another origin (another port) than the Pathwise server.
  site = http.createServer((req, res) => {
    if (req.url === "/analytics.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      return res.end(script);
    }
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><html><head><title>Shop</title><script src="/analytics.js"></script></head><body><h1>Shop</h1></body></html>`);
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => site?.close(resolve));
});

type Delivery = { strategy: "standard" } | { strategy: "batching"; size: number; timeout: number };

/** The configuration docs/sending-data.md shows: the settings come inline (no CDN), events go to apiHost. */
async function loadAnalytics(page: Page, delivery: Delivery) {
  await page.goto(siteOrigin);
  await page.evaluate(
    ({ writeKey, apiHost, delivery }) => {
      const w = window as unknown as { AnalyticsBrowser: { load: (settings: unknown) => unknown }; analytics: unknown };
      w.analytics = w.AnalyticsBrowser.load({
        writeKey,
        cdnSettings: {
          integrations: {
            "Segment.io": {
              apiKey: writeKey,
              apiHost,
              protocol: "http",
              ...(delivery.strategy === "batching" ? { deliveryStrategy: { strategy: "batching", config: { size: delivery.size, timeout: delivery.timeout } } } : {}),
            },
          },
        },
      });
    },
    { writeKey, apiHost, delivery },
  );
}

/** Calls analytics.<method>(...args) in the page and waits for the call to settle. */
async function call(page: Page, method: string, ...args: unknown[]) {
  await page.evaluate(async ({ method, args }) => {
    const a = (window as unknown as { analytics: Record<string, (...x: unknown[]) => Promise<unknown>> }).analytics;
    await a[method](...args);
  }, { method, args });
}

type Profile = { userId: string; anonymousIds: string[]; traits: Record<string, unknown>; groups: Array<{ groupId: string; traits: Record<string, unknown> }>; events: Array<{ name: string; messageId: string; properties: Record<string, unknown> }> };

async function profileWith(request: import("@playwright/test").APIRequestContext, userId: string, names: string[]): Promise<Profile> {
  let last: Profile | null = null;
  await expect
    .poll(async () => {
      const r = await request.get(`/api/v1/users/${encodeURIComponent(userId)}`, { headers: auth });
      if (r.status() !== 200) return [];
      last = (await r.json()) as Profile;
      return last.events.map((e) => e.name).sort();
    }, { timeout: 30_000 })
    .toEqual(expect.arrayContaining(names));
  return last!;
}

test("identify, group, page and track from another origin arrive through /i, /g, /p and /t", async ({ page, request }) => {
  const posts: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().includes("/api/v1/")) posts.push(new URL(r.url()).pathname);
  });
  const failed: string[] = [];
  page.on("requestfailed", (r) => failed.push(`${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  const u = `ajs-${Date.now().toString(36)}`;
  await loadAnalytics(page, { strategy: "standard" });
  await call(page, "identify", u, { name: "Ada", plan: "trial" });
  await call(page, "group", "ajs-co", { name: "AJS Co", plan: "enterprise" });
  await call(page, "page", "Docs", "Pricing", { path: "/pricing" });
  await call(page, "track", "Clicked CTA", { n: 1 });
  const p = await profileWith(request, u, ["Clicked CTA", "Group", "Identify", "Page Viewed"]);
  expect(p.traits).toMatchObject({ name: "Ada", plan: "trial" });
  expect(p.groups).toEqual([expect.objectContaining({ groupId: "ajs-co", traits: { name: "AJS Co", plan: "enterprise" } })]);
  expect(p.events.find((e) => e.name === "Page Viewed")!.properties).toMatchObject({ name: "Pricing", category: "Docs", path: "/pricing" });
  // The anonymous id analytics.js keeps in the browser was joined to the person.
  const ajsId = await page.evaluate(() => (window as unknown as { analytics: { instance?: { user(): { anonymousId(): string } } } }).analytics.instance!.user().anonymousId());
  expect(p.anonymousIds).toContain(ajsId);
  expect(new Set(posts)).toEqual(new Set(["/api/v1/i", "/api/v1/g", "/api/v1/p", "/api/v1/t"]));
  expect(failed).toEqual([]);
});

test("the profile page shows the person's group and its traits", async ({ page, request }) => {
  const u = `ajs-profile-${Date.now().toString(36)}`;
  const r = await request.post("/api/v1/batch", {
    headers: auth,
    data: { batch: [{ type: "identify", userId: u, traits: { name: "Pia" } }, { type: "group", userId: u, groupId: "profile-co", traits: { name: "Profile Co", plan: "enterprise" } }] },
  });
  expect(r.status()).toBe(200);
  await signIn(page, `/users/${u}`);
  const groups = page.getByRole("region", { name: "Groups" });
  await expect(groups.getByText("profile-co")).toBeVisible();
  await expect(groups.getByText("group.plan")).toBeVisible();
  await expect(groups.getByText("enterprise")).toBeVisible();
});

test("batching mode sends several calls in one POST to /b", async ({ page, request }) => {
  const batches: number[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().endsWith("/api/v1/b")) batches.push((JSON.parse(r.postData() ?? "{}").batch ?? []).length);
  });
  const u = `ajs-batch-${Date.now().toString(36)}`;
  await loadAnalytics(page, { strategy: "batching", size: 4, timeout: 60_000 });
  // Batched calls resolve once queued, so they are not awaited one by one; the fourth fills the batch.
  await page.evaluate((u) => {
    const a = (window as unknown as { analytics: Record<string, (...x: unknown[]) => unknown> }).analytics;
    a.identify(u, { name: "Bea" });
    a.track("Batched One");
    a.track("Batched Two");
    a.group("batch-co", { plan: "team" });
  }, u);
  const p = await profileWith(request, u, ["Batched One", "Batched Two", "Group", "Identify"]);
  expect(batches).toEqual([4]);
  expect(p.groups.map((g) => g.groupId)).toEqual(["batch-co"]);
});

test("a track answered 503 is sent again with X-Retry-Count, passes the preflight, and is stored once", async ({ page, request, baseURL }) => {
  const trackUrl = `${baseURL}/api/v1/t`;
  const attempts: Array<string | null> = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url() === trackUrl) attempts.push(r.headers()["x-retry-count"] ?? null);
  });
  // The first delivery is answered 503 before it reaches the server; the route is then removed, so the
  // retry (and its preflight, which must allow X-Retry-Count) goes to the server itself.
  let answered503 = false;
  await page.route(trackUrl, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    if (answered503) return route.continue();
    answered503 = true;
    await route.fulfill({ status: 503, headers: { "access-control-allow-origin": "*", "content-type": "application/json" }, body: JSON.stringify({ error: { code: "unavailable", message: "try later", details: [] } }) });
    await page.unroute(trackUrl);
  });
  const u = `ajs-retry-${Date.now().toString(36)}`;
  await loadAnalytics(page, { strategy: "standard" });
  await call(page, "identify", u);
  await page.evaluate(() => {
    void (window as unknown as { analytics: { track(e: string): unknown } }).analytics.track("Retried In Browser");
  });
  const p = await profileWith(request, u, ["Retried In Browser"]);
  expect(answered503).toBe(true);
  expect(attempts[0]).toBeNull();
  expect(attempts.length).toBeGreaterThanOrEqual(2);
  expect(attempts[attempts.length - 1]).toMatch(/^[1-9]\d*$/);
  expect(p.events.filter((e) => e.name === "Retried In Browser")).toHaveLength(1);
});
