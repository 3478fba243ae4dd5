// Settings in the browser: the sub-navigation, the Team page (add a member, change a role, remove
// them; the last admin stays), the Audit log page showing those changes, and a viewer kept out of
// both — with no console errors.
import { expect, test, type Page } from "@playwright/test";
import { auth, signIn } from "./helpers";

function watchErrors(page: Page) {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

test("an admin manages the team and reads the audit log", async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page, "/settings/keys");
  const settingsNav = page.getByRole("navigation", { name: "Settings" });
  await expect(settingsNav.getByRole("link", { name: "API keys" })).toHaveAttribute("aria-current", "page");
  await settingsNav.getByRole("link", { name: "Team" }).click();
  await expect(page.getByRole("heading", { name: "Team" })).toBeVisible();

  const email = `member-${Date.now()}@example.com`;
  const form = page.getByRole("form", { name: "Add a team member" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Initial password").fill("member-password-1");
  await form.getByLabel("Role").selectOption("viewer");
  await form.getByRole("button", { name: "Add member" }).click();
  const row = page.locator(`[data-testid=team-member][data-email="${email}"]`);
  await expect(row).toBeVisible();

  await row.getByLabel(`Role of ${email}`).selectOption("editor");
  await expect(row.getByLabel(`Role of ${email}`)).toHaveValue("editor");

  // The only admin cannot demote themself: the server's answer is shown.
  const me = page.locator('[data-testid=team-member][data-email="admin@example.com"]');
  await me.getByLabel("Role of admin@example.com").selectOption("viewer");
  await expect(page.getByRole("alert").filter({ hasText: "at least one admin" })).toBeVisible();
  await expect(me.getByLabel("Role of admin@example.com")).toHaveValue("admin");

  page.once("dialog", (d) => d.accept());
  await row.getByRole("button", { name: `Remove ${email}` }).click();
  await expect(row).toHaveCount(0);

  await settingsNav.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  const entries = page.getByTestId("audit-entry");
  await expect(entries.filter({ hasText: "account.delete" }).first()).toBeVisible();
  await expect(entries.filter({ hasText: "account.role" }).first()).toContainText("to: editor");
  await page.getByLabel("Kind").selectOption("key.");
  await expect(entries.filter({ hasText: "account." })).toHaveCount(0);

  expect(errors.filter((e) => !/409|Conflict/.test(e))).toEqual([]);
});

test("a viewer sees neither the team nor the audit log, and the API refuses them", async ({ page, request }) => {
  const email = `viewer-${Date.now()}@example.com`;
  const created = await request.post("/api/v1/accounts", { headers: auth, data: { email, password: "viewer-password-1", role: "viewer" } });
  expect(created.status()).toBe(201);
  const errors = watchErrors(page);
  await page.goto("/login?next=/settings/team");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("viewer-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Only admins can see and manage the team.")).toBeVisible();
  await page.goto("/settings/audit");
  await expect(page.getByText("Only admins can read the audit log.")).toBeVisible();
  const res = await page.request.get("/api/v1/audit");
  expect(res.status()).toBe(403);
  expect(errors).toEqual([]);
});

test("an unsigned visitor is sent to the login page", async ({ page }) => {
  await page.goto("/settings/audit");
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings%2Faudit/);
});

test("pages carry the security headers", async ({ request }) => {
  const res = await request.get("/login");
  const h = res.headers();
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["permissions-policy"]).toContain("camera=()");
  expect(h["x-powered-by"]).toBeUndefined();
  const api = await request.get("/api/v1/flows");
  expect(api.status()).toBe(401);
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
});
