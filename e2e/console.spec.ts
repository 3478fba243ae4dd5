// The console's front door: an unsigned visitor is sent to /login; an admin signs in and sees a
// flow created over the API in the list; API keys are created and shown once.
import { expect, test } from "@playwright/test";
import { auth, createFlow, signIn } from "./helpers";

test("unsigned visitors are sent to the login form", async ({ page }) => {
  await page.goto("/flows");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.locator('input[name="email"]')).toBeVisible();
  await expect(page.locator('input[name="password"]')).toBeVisible();
  await expect(page.locator('button[type="submit"]')).toHaveCount(1);
});

test("a wrong password is refused with a message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("admin@example.com");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("do not match")).toBeVisible();
});

test("sign in and see a flow created over the API", async ({ page, request }) => {
  const name = `Welcome series ${Date.now()}`;
  await createFlow(request, {
    name,
    graph: { nodes: [{ id: "t", type: "trigger", data: { on: { type: "event", event: "Signed Up" } } }], edges: [] },
  });
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Flows" })).toBeVisible();
  await expect(page.getByRole("link", { name })).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings\/keys/);
  expect(errors).toEqual([]);
});

test("an admin creates a write key and sees it once", async ({ page, request }) => {
  await signIn(page, "/settings/keys");
  await page.getByLabel("Name").fill("Storefront");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByTestId("new-key").textContent();
  expect(key).toMatch(/^pw_wk_/);
  const res = await request.post("/api/v1/flows", { headers: { Authorization: `Bearer ${key}` }, data: { name: "x" } });
  expect(res.status()).toBe(403);
  const list = await request.get("/api/v1/keys", { headers: auth });
  expect(JSON.stringify(await list.json())).not.toContain(key!);
});
