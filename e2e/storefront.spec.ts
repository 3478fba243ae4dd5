// The demo storefront with the real SDK: a product view shows the discount, an admin sign-up shows
// the admin onboarding tooltip, and clicking it lands in the flow's results.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { auth } from "./helpers";
import { onboardingFlow, productOfferFlow, type DemoFlow } from "../lib/demo/flows";

async function publish(request: APIRequestContext, flow: DemoFlow): Promise<string> {
  const created = await request.post("/api/v1/flows", { headers: auth, data: { name: `${flow.name} (e2e)`, graph: flow.graph, settings: flow.settings } });
  expect(created.status()).toBe(201);
  const { id, problems } = (await created.json()) as { id: string; problems: unknown[] };
  expect(problems).toEqual([]);
  const published = await request.post(`/api/v1/flows/${id}/publish`, { headers: auth });
  expect(published.status()).toBe(200);
  return id;
}

test.describe("demo storefront", () => {
  let onboardingId = "";

  test.beforeAll(async ({ request }) => {
    // Seed through the API: a write key for the storefront and the demo flows without holdouts or
    // splits, so this one visitor is sure to get the messages.
    const key = await request.post("/api/v1/keys", { headers: auth, data: { kind: "write", name: "storefront e2e" } });
    expect(key.status()).toBe(201);
    const set = await request.put("/demo/config", { headers: auth, data: { writeKey: ((await key.json()) as { key: string }).key } });
    expect(set.status()).toBe(200);
    await publish(request, productOfferFlow({ holdout: 0, split: false }));
    // Its fetch node asks this server's tutorial service (app/demo/tutorials).
    onboardingId = await publish(request, onboardingFlow({ holdout: 0, origin: `http://127.0.0.1:${process.env.E2E_PORT ?? 3210}` }));
  });

  test("viewing Product A shows the discount", async ({ page }) => {
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto("/demo");
    await page.getByRole("link", { name: "View Product A" }).click();
    await expect(page.getByRole("heading", { name: "Product A" })).toBeVisible();
    const offer = page.getByRole("region", { name: "Offers" });
    await expect(offer).toContainText("10% off Product A", { timeout: 15_000 });
    // The SDK is the one from /sdk.js, loaded with a script tag; the tour chunk is not loaded unasked.
    await expect(page.locator('script[src="/sdk.js"]')).toHaveCount(1);
    await expect(page.locator('script[src$="/sdk-tour.js"]')).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test("an admin sign-up sees the admin onboarding tooltip, and its click reaches the results", async ({ page, request }) => {
    await page.goto("/demo/signup");
    await page.getByLabel("Name").fill("Ada Admin");
    await page.getByLabel("Email").fill(`ada-${Date.now()}@example.com`);
    await page.getByLabel("Role").selectOption("admin");
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page).toHaveURL(/\/demo\/account$/);

    const tooltip = page.getByRole("dialog", { name: "Invite your team" });
    await expect(tooltip).toBeVisible({ timeout: 15_000 });
    await expect(tooltip).toContainText("Admins who invite their team");
    // The tutorial the onboarding's fetch node got for an admin beginner.
    await expect(tooltip).toContainText("Set up your workspace in five steps");
    // Anchored next to the "Invite your team" button.
    const anchor = await page.locator("#invite-team").boundingBox();
    const box = await tooltip.boundingBox();
    expect(anchor && box).toBeTruthy();
    expect(Math.abs(box!.y - (anchor!.y + anchor!.height))).toBeLessThan(40);

    await tooltip.getByRole("button", { name: "Show me" }).click();

    await expect
      .poll(
        async () => {
          const res = await request.get(`/api/v1/flows/${onboardingId}/stats`, { headers: auth });
          if (!res.ok()) return -1;
          const stats = (await res.json()) as { nodes?: Record<string, { outcomes?: Record<string, number> }> };
          return stats.nodes?.["admin-tour"]?.outcomes?.clicked ?? 0;
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThanOrEqual(1);

    // Dismissing takes it away and it stays away on the next visit.
    await tooltip.getByRole("button", { name: "Dismiss" }).click();
    await expect(tooltip).toBeHidden();
    await page.reload();
    await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
    await page.waitForTimeout(1000);
    await expect(page.getByRole("dialog", { name: "Invite your team" })).toHaveCount(0);
  });

  test("a tour in the content loads the tour chunk on demand and walks through its steps", async ({ page, request }) => {
    const tour =
      '<div data-pw-kind="tour"><section data-pw-title="Welcome to the store" data-pw-anchor="h1">Three products, one cart.</section>' +
      '<section data-pw-title="Your cart">What you add waits here.</section></div>';
    const id = await publish(request, {
      key: "onboarding",
      name: "Home tour",
      graph: {
        nodes: [
          { id: "home", type: "trigger", data: { on: { type: "event", event: "Page Viewed", where: [{ property: "path", op: "eq", value: "/demo" }] } } },
          { id: "tour", type: "message", data: { channel: "in_app", placement: "home_banner", content: tour } },
        ],
        edges: [{ id: "e1", source: "home", target: "tour" }],
      },
      settings: {},
    });
    await page.goto("/demo");
    // Find each step by its accessible name (the dialog is named by its title).
    const first = page.getByRole("dialog", { name: "Welcome to the store" });
    await expect(first).toBeVisible({ timeout: 15_000 });
    await expect(page.locator('script[src$="/sdk-tour.js"]')).toHaveCount(1);
    await first.getByRole("button", { name: "Next" }).click();
    const second = page.getByRole("dialog", { name: "Your cart" });
    await expect(second).toContainText("What you add waits here.");
    await second.getByRole("button", { name: "Done" }).click();
    await expect(second).toBeHidden();
    await expect
      .poll(async () => {
        const res = await request.get(`/api/v1/flows/${id}/stats`, { headers: auth });
        const stats = (await res.json()) as { nodes?: Record<string, { outcomes?: Record<string, number> }> };
        return stats.nodes?.tour?.outcomes?.clicked ?? 0;
      }, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(1);
  });
});
