// The canvas from the keyboard alone: a three-step flow is built, connected, inspected, partly deleted
// and restored with keys only (no mouse event reaches the page after sign-in), and each change is
// announced in React Flow's live region. Screenshots go to .data-a11y-shots/ for a look.
import { mkdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { auth, createFlow, signIn } from "./helpers";

const SHOTS = ".data-a11y-shots";

/** Press Tab (or Shift+Tab) until the element matching `selector` has focus. */
async function tabTo(page: Page, selector: string, key: "Tab" | "Shift+Tab" = "Tab") {
  for (let i = 0; i < 60; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached ${selector}`);
}

const focusedNode = (page: Page) => page.evaluate(() => (document.activeElement?.classList.contains("react-flow__node") ? document.activeElement.getAttribute("data-id") : null));
const focusVisible = (page: Page) => page.evaluate(() => document.activeElement?.matches(":focus-visible") ?? false);

test("build a three-step flow with the keyboard only", async ({ page, request }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  const flow = await createFlow(request, { name: "Keyboard only", graph: { nodes: [], edges: [] } });
  await signIn(page, `/flows/${flow.id}`);
  await expect(page.locator(".react-flow")).toBeVisible();
  await page.evaluate(() => {
    // Proof that the rest is keyboard only: any mouse button pressed on the page is recorded.
    (window as unknown as { mouseDowns: number }).mouseDowns = 0;
    window.addEventListener("mousedown", () => (window as unknown as { mouseDowns: number }).mouseDowns++, true);
  });
  const live = page.locator('[id^="react-flow__aria-live"]');
  const nodes = page.locator(".react-flow__node");
  const edges = page.locator(".react-flow__edge");

  // A trigger from the palette: Tab to it, Enter. The new step takes focus, with a visible ring.
  await page.keyboard.press("Tab");
  await tabTo(page, '[data-testid="palette-trigger"]');
  await expect(page.getByTestId("palette-trigger")).toHaveAccessibleName("Trigger");
  await page.keyboard.press("Enter");
  await expect(live).toHaveText("Added Trigger trigger-1, not connected");
  await expect.poll(() => focusedNode(page)).toBe("trigger-1");
  expect(await focusVisible(page)).toBe(true);
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(outline).toBe("solid");

  // A to add a step below the focused one: type to find "Wait", Enter.
  await page.keyboard.press("a");
  const add = page.getByRole("dialog", { name: "Add a step below Trigger trigger-1" });
  await expect(add).toBeVisible();
  await page.keyboard.type("wait");
  await page.keyboard.press("Enter");
  await expect(add).toBeHidden();
  await expect(live).toHaveText("Added Wait wait-1 below trigger-1, connected");
  await expect.poll(() => focusedNode(page)).toBe("wait-1");
  await expect(edges).toHaveCount(1);

  // An Exit from the palette with nothing selected: added on its own, not connected.
  await page.keyboard.press("Escape");
  await tabTo(page, '[data-testid="palette-exit"]', "Shift+Tab");
  await page.keyboard.press("Enter");
  await expect(live).toHaveText("Added Exit exit-1, not connected");
  await expect.poll(() => focusedNode(page)).toBe("exit-1");
  await expect(nodes).toHaveCount(3);
  await expect(page.getByTestId("problems-button")).not.toContainText("No problems");
  // Added in mid-view, it is not dropped on top of the trigger already there.
  const box = async (id: string) => (await page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox())!;
  const [t, x] = [await box("trigger-1"), await box("exit-1")];
  expect(x.x >= t.x + t.width || x.x + x.width <= t.x || x.y >= t.y + t.height || x.y + x.height <= t.y).toBe(true);

  // Tab walks the steps in flow order: trigger, wait, then the exit nothing reaches yet.
  await page.keyboard.press("Shift+Tab");
  expect(await focusedNode(page)).toBe("wait-1");
  await page.keyboard.press("Shift+Tab");
  expect(await focusedNode(page)).toBe("trigger-1");
  await page.keyboard.press("Tab");
  expect(await focusedNode(page)).toBe("wait-1");
  await expect(page.locator('.react-flow__node[data-id="wait-1"]')).toHaveAccessibleName("Wait wait-1: Wait 1 day. Next not connected");
  await expect(page.locator('.react-flow__node[data-id="wait-1"]')).toHaveAccessibleDescription(/A to add a step below it, C to connect it to another step/);

  // C to connect the wait to the exit. A trigger is never offered as a target.
  await page.keyboard.press("c");
  const connect = page.getByRole("dialog", { name: "Connect Wait wait-1 to…" });
  await expect(connect).toBeVisible();
  await expect(connect.getByRole("button", { name: /^Exit exit-1/ })).toBeVisible();
  await expect(connect.getByRole("button", { name: /^Trigger/ })).toHaveCount(0);
  await page.keyboard.type("exit");
  await page.keyboard.press("Enter");
  await expect(connect).toBeHidden();
  await expect(live).toHaveText("Connected wait-1 to exit-1");
  await expect(edges).toHaveCount(2);
  await expect.poll(() => focusedNode(page)).toBe("wait-1");
  await expect(page.getByTestId("problems-button")).toContainText("No problems");
  await expect(page.locator('.react-flow__node[data-id="wait-1"]')).toHaveAccessibleName("Wait wait-1: Wait 1 day. Next leads to exit-1");

  // Enter selects the step and shows it in the inspector; I moves into its fields; Escape comes back.
  await page.keyboard.press("Enter");
  const inspector = page.getByRole("tabpanel", { name: "Inspector: Wait wait-1" });
  await expect(inspector).toBeVisible();
  await page.keyboard.press("i");
  await expect.poll(() => inspector.evaluate((el) => el.contains(document.activeElement) && document.activeElement !== el)).toBe(true);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/keyboard-inspector.png` });
  await page.keyboard.press("Escape");
  await expect.poll(() => focusedNode(page)).toBe("wait-1");

  // Delete on the focused (unselected) exit removes it alone; focus goes back up the flow; undo restores it.
  await page.keyboard.press("Tab");
  expect(await focusedNode(page)).toBe("exit-1");
  await page.keyboard.press("Delete");
  await expect(live).toHaveText("Deleted exit-1");
  await expect(nodes).toHaveCount(2);
  await expect(edges).toHaveCount(1);
  await expect.poll(() => focusedNode(page)).toBe("wait-1");
  await page.keyboard.press("Control+z");
  await expect(live).toHaveText("Undone: exit-1 added");
  await expect(nodes).toHaveCount(3);
  await expect(edges).toHaveCount(2);
  await page.keyboard.press("Control+Shift+z");
  await expect(live).toHaveText("Redone: exit-1 removed");
  await page.keyboard.press("Control+z");
  await expect(nodes).toHaveCount(3);

  await expect(page.getByTestId("save-state")).toHaveAttribute("data-state", "saved", { timeout: 15_000 });
  await page.screenshot({ path: `${SHOTS}/keyboard-flow.png` });
  expect(await page.evaluate(() => (window as unknown as { mouseDowns: number }).mouseDowns)).toBe(0);

  const stored = await (await request.get(`/api/v1/flows/${flow.id}`, { headers: auth })).json();
  expect(stored.graph.nodes.map((n: { id: string; type: string }) => `${n.id}:${n.type}`).sort()).toEqual(["exit-1:exit", "trigger-1:trigger", "wait-1:wait"]);
  expect(stored.graph.edges.map((e: { source: string; target: string }) => `${e.source}>${e.target}`).sort()).toEqual(["trigger-1>wait-1", "wait-1>exit-1"]);
  expect(errors).toEqual([]);
});

test("a branch is chosen when adding below a condition, and a full node says so", async ({ page, request }) => {
  const flow = await createFlow(request, {
    name: "Keyboard branches",
    graph: {
      nodes: [
        { id: "t", type: "trigger", position: { x: 0, y: 0 }, data: { on: { type: "event", event: "Signed Up" } } },
        { id: "c", type: "condition", position: { x: 0, y: 160 }, data: { if: { trait: "plan", op: "eq", value: "pro" } } },
        { id: "done", type: "exit", position: { x: 0, y: 320 }, data: {} },
      ],
      edges: [{ id: "e1", source: "t", target: "c" }],
    },
  });
  await signIn(page, `/flows/${flow.id}`);
  await expect(page.locator(".react-flow__node")).toHaveCount(3);
  const live = page.locator('[id^="react-flow__aria-live"]');
  await page.keyboard.press("Tab");
  await tabTo(page, '.react-flow__node[data-id="c"]');
  await page.keyboard.press("a");
  const add = page.getByRole("dialog", { name: "Add a step below Condition c" });
  await add.getByLabel("From branch").selectOption("no");
  await add.getByLabel("Find").fill("in-app");
  await page.keyboard.press("Enter");
  await expect(live).toHaveText("Added In-app message in-app-1 below c on no, connected");
  await expect.poll(async () => JSON.stringify((await (await request.get(`/api/v1/flows/${flow.id}`, { headers: auth })).json()).graph.edges)).toContain('"sourceHandle":"no"');

  // The trigger's only branch is taken: the dialog says so instead of offering steps.
  await tabTo(page, '.react-flow__node[data-id="t"]', "Shift+Tab");
  await page.keyboard.press("c");
  const connect = page.getByRole("dialog", { name: "Connect Trigger t to…" });
  await expect(connect).toContainText("Every branch is already connected");
  await page.keyboard.press("Escape");
  await expect(connect).toBeHidden();
  await expect.poll(() => focusedNode(page)).toBe("t");
});
