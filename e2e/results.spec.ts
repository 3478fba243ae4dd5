// The results dashboards in a real browser: a flow is published over the API and fed real traffic
// through /batch, /decide and /outcomes; the results page and the home page then show its numbers
// and charts with no console errors. Screenshots go to .data-results-shots/ for a look.
import { expect, test, type Page } from "@playwright/test";
import { auth, createFlow, signIn } from "./helpers";

const SHOTS = ".data-results-shots";

const graph = {
  nodes: [
    { id: "t1", type: "trigger", position: { x: 0, y: 0 }, data: { on: { type: "event", event: "Product Viewed" } } },
    { id: "s1", type: "split", position: { x: 0, y: 120 }, data: { branches: [{ id: "a", weight: 50, label: "Control" }, { id: "b", weight: 50, label: "Discount" }] } },
    { id: "ma", type: "message", position: { x: -150, y: 240 }, data: { channel: "in_app", placement: "banner", content: "Welcome back" } },
    { id: "mb", type: "message", position: { x: 150, y: 240 }, data: { channel: "in_app", placement: "banner", content: "10% off today" } },
  ],
  edges: [
    { id: "e1", source: "t1", target: "s1" },
    { id: "e2", source: "s1", target: "ma", sourceHandle: "a" },
    { id: "e3", source: "s1", target: "mb", sourceHandle: "b" },
  ],
};

function watchErrors(page: Page) {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("response", (r) => r.status() >= 400 && r.url().includes("/api/") && errors.push(`${r.status()} ${r.url()}`));
  return errors;
}

test("a flow's results and the home page show the traffic it received", async ({ page, request }) => {
  const flow = await createFlow(request, { name: `Discount banner ${Date.now()}`, graph, settings: { goal: { event: "Order Completed", within: "P7D" }, holdout: 20 } });
  expect((await request.post(`/api/v1/flows/${flow.id}/publish`, { headers: auth })).status()).toBe(200);

  const users = Array.from({ length: 48 }, (_, i) => `e2e-user-${flow.id.slice(0, 6)}-${i}`);
  const buyers = users.filter((_, i) => i % 4 === 0);
  const viewed = await request.post("/api/v1/batch", { headers: auth, data: { batch: users.map((userId) => ({ type: "track", userId, event: "Product Viewed" })) } });
  expect(viewed.status()).toBe(200);
  let shown = 0;
  for (const [i, userId] of users.slice(0, 24).entries()) {
    const d = await (await request.post("/api/v1/decide", { headers: auth, data: { userId, placements: ["banner"] } })).json();
    const decision = d.decisions.banner as { decisionId: string } | null;
    if (!decision) continue;
    expect((await request.post("/api/v1/outcomes", { headers: auth, data: { decisionId: decision.decisionId, type: "shown" } })).status()).toBe(200);
    shown++;
    if (i % 3 === 0) await request.post("/api/v1/outcomes", { headers: auth, data: { decisionId: decision.decisionId, type: "clicked" } });
  }
  expect(shown).toBeGreaterThan(0);
  const bought = await request.post("/api/v1/batch", { headers: auth, data: { batch: buyers.map((userId) => ({ type: "track", userId, event: "Order Completed" })) } });
  expect(bought.status()).toBe(200);

  const stats = await (await request.get(`/api/v1/flows/${flow.id}/stats`, { headers: auth })).json();
  expect(stats).toMatchObject({ entered: users.length, converted: buyers.length });

  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1360, height: 900 });
  await signIn(page, `/flows/${flow.id}/results`);
  await expect(page).toHaveURL(new RegExp(`/flows/${flow.id}/results`));
  // The first answer may take a while on a busy machine (embedded PostgreSQL, cold caches).
  await expect(page.getByTestId("kpi-entered")).toContainText(String(users.length), { timeout: 30_000 });
  await expect(page.getByTestId("kpi-converted")).toContainText(String(buyers.length));
  await expect(page.getByTestId("kpi-rate")).toContainText(`${((buyers.length / users.length) * 100).toFixed(1)}%`);
  await expect(page.getByRole("heading", { name: "Funnel", exact: true })).toBeVisible();
  await expect(page.getByTestId("funnel").locator(".recharts-wrapper")).toBeVisible();
  await expect(page.getByTestId("messages").getByTestId("message-row")).toHaveCount(2);
  await expect(page.getByTestId("experiment-s1")).toContainText("Discount");
  await expect(page.getByTestId("experiment-s1").getByTestId("verdict").first()).toHaveText(/Not enough data yet/);
  await expect(page.getByTestId("holdout")).toContainText("Holdout");
  await expect(page.getByTestId("daily").locator(".recharts-wrapper")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/results.png`, fullPage: true });

  // The date range: a range in the past selects no runs.
  await page.getByLabel("From", { exact: true }).fill("2020-01-01");
  await page.getByLabel("To", { exact: true }).fill("2020-01-31");
  await expect(page.getByTestId("kpi-entered")).toContainText("0");
  await expect(page.getByText("Nobody has entered this flow in this range")).toBeVisible();
  await page.getByRole("button", { name: "All time" }).click();
  await expect(page.getByTestId("kpi-entered")).toContainText(String(users.length));

  // CSV export answers with the same numbers.
  const csv = await request.get(`/api/v1/flows/${flow.id}/results/csv`, { headers: auth });
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(await csv.text()).toContain(`,${users.length},`);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
  await expect(page).toHaveURL(/\/$/);
  const row = page.getByTestId("home-flow-row").filter({ hasText: "Discount banner" }).first();
  await expect(row).toContainText(String(users.length));
  await expect(row.locator(".recharts-wrapper")).toBeVisible();
  await expect(page.getByTestId("home-events")).not.toContainText(/^0$/);
  await expect(page.getByTestId("event-volume").locator(".recharts-wrapper")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/home.png`, fullPage: true });

  expect(errors).toEqual([]);
});
