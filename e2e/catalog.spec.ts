// The catalog: a marketer browses and searches the items in the console, then opens a shopper's
// profile and sees what Pathwise recommends to them (seeded through the API, as a store would).
import { expect, test } from "@playwright/test";
import { auth, signIn } from "./helpers";

test("a marketer searches the catalog and sees a shopper's recommendations", async ({ page, request }) => {
  const run = Date.now().toString(36);
  const id = (x: string) => `${x}-${run}`;
  const items = [
    { id: id("tent"), name: `Ridge tent ${run}`, category: "camping", price: 249 },
    { id: id("stove"), name: `Camp stove ${run}`, category: "camping", price: 59 },
    { id: id("lamp"), name: `Lantern ${run}`, category: "camping", price: 29 },
    { id: id("kayak"), name: `Sea kayak ${run}`, category: "water", price: 899, attributes: { color: "orange" } },
  ];
  const up = await request.post("/api/v1/catalog/items", { headers: auth, data: { items } });
  expect(up.status()).toBe(200);
  expect(await up.json()).toEqual({ upserted: 4 });

  // Two shoppers view the tent with the stove; Sam views the tent and buys the lantern.
  const t = (min: number) => new Date(Date.now() - 60 * 60_000 + min * 60_000).toISOString();
  const viewed = (userId: string, item: string, min: number) => ({ type: "track", userId, event: "Product Viewed", properties: { product_id: id(item) }, timestamp: t(min) });
  const sam = `sam-${run}`;
  const batch = [
    viewed(`ann-${run}`, "tent", 0),
    viewed(`ann-${run}`, "stove", 1),
    viewed(`bo-${run}`, "tent", 2),
    viewed(`bo-${run}`, "stove", 3),
    viewed(`bo-${run}`, "lamp", 4),
    viewed(sam, "lamp", 5),
    { type: "track", userId: sam, event: "Order Completed", properties: { products: [{ product_id: id("lamp") }] }, timestamp: t(6) },
    viewed(sam, "tent", 7),
  ];
  expect((await request.post("/api/v1/batch", { headers: auth, data: { batch } })).status()).toBe(200);

  await signIn(page, "/flows");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Catalog" }).click();
  await expect(page).toHaveURL(/\/catalog$/);
  await expect(page.getByRole("heading", { name: "Catalog" })).toBeVisible();

  await page.getByRole("searchbox", { name: "Search items" }).fill(`kayak ${run}`);
  await page.getByRole("button", { name: "Search" }).click();
  const rows = page.getByTestId("catalog-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`Sea kayak ${run}`);
  await expect(rows.first()).toContainText("color: orange");

  await page.getByRole("searchbox", { name: "Search items" }).fill(`nothing-like-this-${run}`);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("heading", { name: "No item matches" })).toBeVisible();

  await page.getByRole("searchbox", { name: "Search items" }).fill(run);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByLabel("Category").selectOption("camping");
  await expect(rows).toHaveCount(3);

  // Sam's profile: recently viewed has both items; for you suggests the stove (co-viewed with the
  // tent) and never the lantern Sam bought.
  await page.goto(`/users/${sam}`);
  const panel = page.getByTestId("recommendations");
  await expect(panel.getByRole("heading", { name: "Recommendations" })).toBeVisible();
  await expect(panel.getByTestId("recommended-item").first()).toContainText(`Camp stove ${run}`);
  await expect(panel).not.toContainText(`Lantern ${run}`);
  await panel.getByRole("tab", { name: "Recently viewed" }).click();
  await expect(panel.getByTestId("recommended-item")).toHaveCount(2);
  await expect(panel.getByTestId("recommended-item").first()).toContainText(`Ridge tent ${run}`);
  await expect(panel.getByTestId("recommended-item").nth(1)).toContainText(`Lantern ${run}`);
});
