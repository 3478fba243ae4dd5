// docs/api.md §8 in Debian's chromium: the login redirect and form, and every console page signed in,
// loading without console errors and reachable by following links from the navigation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { Ctx } from "./suite";
import { ADMIN } from "./server";
import { uid } from "./http";
import { edge, inApp, node, onEvent } from "./flows";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export function consoleSection(ctx: Ctx) {
  describe("§8 console", () => {
    let browser: Browser;
    let context: BrowserContext;
    let flowId = "";
    const userId = uid("console-user");
    const t = uid("ui");

    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ARGS });
      context = await browser.newContext({ baseURL: ctx.url });
      const f = await ctx.api.post("/api/v1/flows", {
        name: `Console flow ${t}`,
        graph: {
          nodes: [node("trig", "trigger", onEvent(`UI ${t}`)), node("cond", "condition", { if: { trait: "plan", op: "eq", value: "pro" } }), node("msg", "message", inApp(`ui-${t}`, "Hi")), node("bye", "exit", {})],
          edges: [edge("trig", "cond"), edge("cond", "msg", "yes"), edge("cond", "bye", "no")],
        },
      });
      flowId = f.json.id;
      await ctx.api.post(`/api/v1/flows/${flowId}/publish`);
      await ctx.api.post("/api/v1/identify", { userId, traits: { plan: "pro", name: "Console Person" } });
      await ctx.api.post("/api/v1/track", { userId, event: `UI ${t}` });
    });

    afterAll(async () => {
      await browser?.close();
    });

    /** Opens a page and collects console errors, page errors and failed same-origin requests. */
    async function visit(page: Page, path: string) {
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
      page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
      page.on("response", (r) => r.status() >= 400 && r.url().startsWith(ctx.url) && errors.push(`${r.status()} ${r.url()}`));
      await page.goto(path, { waitUntil: "networkidle" });
      return errors;
    }

    it("sends an unsigned visitor to /login: inputs email and password and one submit button", async () => {
      const page = await context.newPage();
      for (const path of ["/flows", `/flows/${flowId}`, "/settings/keys", "/"]) {
        await page.goto(path);
        expect(new URL(page.url()).pathname, path).toBe("/login");
      }
      await expect.poll(() => page.locator('input[name="email"]').count()).toBe(1);
      expect(await page.locator('input[name="password"]').count()).toBe(1);
      expect(await page.locator('button[type="submit"], input[type="submit"]').count()).toBe(1);
      await page.close();
    });

    it("signs in with PATHWISE_ADMIN_EMAIL / PASSWORD through the form", async () => {
      const page = await context.newPage();
      await page.goto("/login");
      await page.locator('input[name="email"]').fill(ADMIN.email);
      await page.locator('input[name="password"]').fill(ADMIN.password);
      await Promise.all([page.waitForURL((u) => u.pathname !== "/login"), page.locator('button[type="submit"], input[type="submit"]').click()]);
      expect((await context.cookies()).some((c) => c.httpOnly)).toBe(true);
      await page.close();
    });

    it("loads every page without console errors, each reachable from the navigation", async () => {
      const page = await context.newPage();
      const problems: string[] = [];
      // /flows: from the top navigation, lists the flow and links to its editor.
      problems.push(...(await visit(page, "/")));
      await page.getByRole("link", { name: "Flows", exact: true }).first().click();
      await page.waitForURL(/\/flows$/);
      await page.waitForLoadState("networkidle");
      await expect.poll(() => page.locator(`a[href="/flows/${flowId}"]`).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      // /flows/:id: the canvas with the flow's nodes drawn.
      await page.locator(`a[href="/flows/${flowId}"]`).first().click();
      await page.waitForURL(new RegExp(`/flows/${flowId}$`));
      await page.locator(".react-flow").first().waitFor({ timeout: 20_000 });
      for (const id of ["trig", "cond", "msg", "bye"]) {
        await page.locator(`.react-flow__node[data-id="${id}"]`).waitFor({ timeout: 15_000 });
      }
      expect(await page.locator(".react-flow__edge").count()).toBeGreaterThanOrEqual(3);
      await page.waitForLoadState("networkidle");
      // /flows/:id/results: linked from the editor (or the list).
      const resultsLink = page.locator(`a[href="/flows/${flowId}/results"]`);
      if ((await resultsLink.count()) === 0) {
        await page.goBack();
        await page.waitForURL(/\/flows$/);
      }
      await page.locator(`a[href="/flows/${flowId}/results"]`).first().click();
      await page.waitForURL(new RegExp(`/flows/${flowId}/results`));
      await page.waitForLoadState("networkidle");
      // /users/:userId: from Users in the navigation.
      await page.getByRole("link", { name: "Users", exact: true }).first().click();
      await page.waitForURL(/\/users/);
      await page.waitForLoadState("networkidle");
      const userLink = page.locator(`a[href="/users/${encodeURIComponent(userId)}"]`);
      if ((await userLink.count()) === 0) {
        const search = page.getByRole("searchbox").or(page.getByLabel(/search/i)).first();
        await search.fill(userId);
        await search.press("Enter");
      }
      await userLink.first().waitFor({ timeout: 15_000 });
      await userLink.first().click();
      await page.waitForURL(/\/users\/.+/);
      await page.getByText("Console Person").first().waitFor({ timeout: 15_000 });
      await page.waitForLoadState("networkidle");
      // /settings/keys: Settings in the navigation.
      await page.getByRole("link", { name: "Settings", exact: true }).first().click();
      await page.waitForURL(/\/settings/);
      if (!/\/settings\/keys/.test(page.url())) await page.locator('a[href="/settings/keys"]').first().click();
      await page.waitForURL(/\/settings\/keys/);
      await page.waitForLoadState("networkidle");
      await page.close();
      expect(problems).toEqual([]);
      // And each page opened directly is free of console errors.
      for (const path of ["/flows", `/flows/${flowId}`, `/flows/${flowId}/results`, `/users/${encodeURIComponent(userId)}`, "/settings/keys"]) {
        const p = await context.newPage();
        const errors = await visit(p, path);
        if (path === `/flows/${flowId}`) await p.locator(`.react-flow__node[data-id="msg"]`).waitFor({ timeout: 15_000 });
        await p.waitForTimeout(300);
        expect.soft(errors, path).toEqual([]);
        expect.soft(new URL(p.url()).pathname, path).toBe(path.split("?")[0]);
        await p.close();
      }
    });
  });
}
