// Shared steps of the browser tests: seed through the API with the bootstrap key, sign in as a person.
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN, E2E_API_KEY } from "../playwright.config";

export const auth = { Authorization: `Bearer ${E2E_API_KEY}` };

export async function signIn(page: Page, next = "/flows") {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export async function createFlow(request: APIRequestContext, body: unknown) {
  const res = await request.post("/api/v1/flows", { headers: auth, data: body });
  expect(res.status()).toBe(201);
  return (await res.json()) as { id: string; name: string };
}
