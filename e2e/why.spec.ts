// Why not: a marketer opens a user who did not enter a flow and reads the reason in plain words, and
// sees on the flow's results where the trigger's users stopped.
import { expect, test } from "@playwright/test";
import { auth, createFlow, signIn } from "./helpers";

test("a marketer opens a user who did not enter and reads why", async ({ page, request }) => {
  const flow = await createFlow(request, {
    name: "Product A discount (why)",
    graph: {
      nodes: [
        { id: "t1", type: "trigger", data: { on: { type: "event", event: "Viewed Product", where: [{ property: "name", op: "eq", value: "Product A" }] } } },
        { id: "m1", type: "message", data: { channel: "in_app", placement: "banner", content: "10% off" } },
      ],
      edges: [{ id: "e1", source: "t1", target: "m1" }],
    },
  });
  expect((await request.post(`/api/v1/flows/${flow.id}/publish`, { headers: auth })).status()).toBe(200);
  const userId = `why-${Date.now()}`;
  expect((await request.post("/api/v1/track", { headers: auth, data: { userId, event: "Viewed Product", properties: { name: "Product B" } } })).status()).toBe(200);

  await signIn(page, `/users/${userId}`);
  await page.getByLabel("Why not in…").selectOption({ label: "Product A discount (why)" });
  await expect(page.getByTestId("why-summary")).toHaveText(/Not in “Product A discount \(why\)” — would enter: no — a trigger condition failed/);
  const reasons = page.getByRole("list", { name: "Reasons" });
  await expect(reasons.getByRole("listitem").first()).toContainText('the event\'s name was "Product B"');

  // The flow's results: one user sent the trigger event and stopped at the name test.
  await page.goto(`/flows/${flow.id}/results`);
  const stops = page.getByRole("list", { name: "Where users stopped" });
  await expect(stops.getByRole("listitem").first()).toContainText("1 stopped at");
  await expect(stops.getByRole("listitem").first()).toContainText("Product A");
  await expect(stops.getByRole("listitem").first()).toContainText("“Product B” × 1");
});
