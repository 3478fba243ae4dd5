// Console finishing touches: the flows list's empty state and counts, publishing a new version that
// moves waiting users (mapping and dry run), and the profile's explain trace of that move.
import { expect, test } from "@playwright/test";
import { auth, createFlow, signIn } from "./helpers";

test.describe.serial("console polish", () => {
  test("with no flows, one click on a template card creates that flow", async ({ page, request }) => {
    // The empty state only shows on an empty workspace: clear flows left by earlier specs.
    const list = (await (await request.get("/api/v1/flows", { headers: auth })).json()) as { flows: { id: string }[] };
    for (const f of list.flows) expect((await request.delete(`/api/v1/flows/${f.id}`, { headers: auth })).status()).toBe(204);

    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await signIn(page, "/flows");
    await expect(page.getByRole("heading", { name: "No flows yet" })).toBeVisible();
    const cards = page.getByRole("button", { name: /Use this template/ });
    await expect(cards).toHaveCount(6);
    await page.getByRole("button", { name: /^Product view discount/ }).click();
    await expect(page).toHaveURL(/\/flows\/[^/]+$/);
    await expect(page.locator(".react-flow__node").first()).toBeVisible();
    await expect(page.locator("#flow-name")).toHaveValue("Product view discount");

    await page.goto("/flows");
    const row = page.getByTestId("flow-row").filter({ hasText: "Product view discount" });
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId("flow-entered")).toHaveText("0");
    await expect(row.getByTestId("flow-conversion")).toHaveText("—");
    expect(errors).toEqual([]);
  });

  test("publishing v2 can move waiting users; the profile explains the move", async ({ page, request }) => {
    const graph = (waitFor: string, text: string) => ({
      nodes: [
        { id: "start", type: "trigger", data: { on: { type: "event", event: "Polish Started" } } },
        { id: "w1", type: "wait", data: { for: waitFor } },
        { id: "hello", type: "message", data: { channel: "in_app", placement: "polish", content: text } },
      ],
      edges: [
        { id: "e1", source: "start", target: "w1" },
        { id: "e2", source: "w1", target: "hello" },
      ],
    });
    const flow = await createFlow(request, { name: "Migration e2e", graph: graph("P1D", "Hello v1"), settings: { goal: { event: "Polish Done", within: "P7D" } } });
    expect((await request.post(`/api/v1/flows/${flow.id}/publish`, { headers: auth })).status()).toBe(200);
    const userId = `polish-${Date.now()}`;
    expect((await request.post("/api/v1/track", { headers: auth, data: { userId, event: "Polish Started" } })).status()).toBe(200);
    expect((await request.put(`/api/v1/flows/${flow.id}`, { headers: auth, data: { graph: graph("P2D", "Hello v2") } })).status()).toBe(200);

    await signIn(page, `/flows/${flow.id}`);
    await expect(page.locator(".react-flow__node")).toHaveCount(3);
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Publish version 2" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId("publish-diff")).toContainText("2 changed");
    await expect(dialog).toContainText("1 user is waiting in version 1.");
    // Keeping users on their version is the default.
    await expect(dialog.getByRole("radio", { name: /Keep users on their version/ })).toBeChecked();
    await expect(dialog.getByRole("button", { name: "Publish v2" })).toBeVisible();
    await dialog.getByRole("radio", { name: /Move them to version 2/ }).check();
    await expect(dialog.getByLabel("Map w1 to")).toHaveValue("w1");
    await expect(dialog.getByTestId("migration-dry-run")).toContainText("Dry run: 1 move, 0 stay on version 1.");
    await dialog.getByRole("button", { name: "Publish and move 1 user" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText("live v2")).toBeVisible();

    const profile = (await (await request.get(`/api/v1/users/${userId}`, { headers: auth })).json()) as { runs: { flowId: string; version: number }[] };
    expect(profile.runs.find((r) => r.flowId === flow.id)?.version).toBe(2);

    await page.goto(`/users/${userId}`);
    const runs = page.getByRole("region", { name: "Flow runs" });
    await expect(runs.getByText("Moved to the new version")).toBeVisible();
    await expect(runs).toContainText("Came from node w1 of version 1 when the flow was republished.");
    await expect(runs.getByText("Waiting", { exact: true }).first()).toBeVisible();

    // The flows list counts the entry.
    await page.goto("/flows");
    const row = page.getByTestId("flow-row").filter({ hasText: "Migration e2e" });
    await expect(row.getByTestId("flow-entered")).toHaveText("1");
    await expect(row.getByTestId("flow-conversion")).toHaveText("0.0%");
  });
});
