// The canvas as a marketer edits it (issue items): Enter below a step that already leads somewhere,
// a step dropped or dragged onto a wire, one undo for a deletion, a new step kept in view, a flow
// created without positions laid out on open, step names, plain-word validation, and a save error
// reported as itself when publishing.
import { expect, test, type Page } from "@playwright/test";
import { auth, createFlow, signIn } from "./helpers";

const chain = {
  nodes: [
    { id: "t", type: "trigger", position: { x: 0, y: 0 }, data: { on: { type: "event", event: "Signed Up" } } },
    { id: "m", type: "message", position: { x: 0, y: 200 }, data: { channel: "in_app", placement: "banner", content: "Hi" } },
    { id: "x", type: "exit", position: { x: 0, y: 400 }, data: {} },
    { id: "loose", type: "update", position: { x: 500, y: 200 }, data: { set: { seen: true } } },
  ],
  edges: [
    { id: "e1", source: "t", target: "m" },
    { id: "e2", source: "m", target: "x" },
  ],
};

/** The same chain without the loose step, so it can be published. */
const linked = { nodes: chain.nodes.filter((n) => n.id !== "loose"), edges: chain.edges };

type Graph = { nodes: { id: string; position?: { x: number; y: number } }[]; edges: { source: string; target: string; sourceHandle?: string }[] };
const wires = (g: Graph) => g.edges.map((e) => `${e.source}->${e.target}`).sort();

async function graphOf(page: Page, id: string): Promise<Graph> {
  const res = await page.request.get(`/api/v1/flows/${id}`, { headers: auth });
  return (await res.json()).graph;
}

async function box(page: Page, id: string) {
  return (await page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox())!;
}

async function edgeMiddle(page: Page, id: string) {
  const b = (await page.locator(`.react-flow__edge[data-id="${id}"] .react-flow__edge-interaction`).boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

test("Enter on a palette step below a step that has a child puts it in between and moves the child down", async ({ page, request }) => {
  const flow = await createFlow(request, { name: "Insert below", graph: chain });
  await signIn(page, `/flows/${flow.id}`);
  await page.locator('.react-flow__node[data-id="m"]').click();
  await page.getByTestId("palette-wait").focus();
  await page.keyboard.press("Enter");
  await expect(page.locator('.react-flow__node[data-id="wait-1"]')).toBeVisible();
  await expect.poll(async () => wires(await graphOf(page, flow.id))).toEqual(["m->wait-1", "t->m", "wait-1->x"]);
  const w = await box(page, "wait-1");
  const x = await box(page, "x");
  expect(x.y).toBeGreaterThan(w.y + w.height);
  // The new step is in view, clear of the zoom controls.
  const controls = (await page.locator(".react-flow__controls").boundingBox())!;
  const overlap = w.x < controls.x + controls.width && controls.x < w.x + w.width && w.y < controls.y + controls.height && controls.y < w.y + w.height;
  expect(overlap).toBe(false);
});

test("a step dropped from the palette onto a wire, or a loose step dragged onto one, goes into it", async ({ page, request }) => {
  const flow = await createFlow(request, { name: "Onto a wire", graph: chain });
  await signIn(page, `/flows/${flow.id}`);
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
  const mid = await edgeMiddle(page, "e1");
  const pane = (await page.locator(".react-flow__pane").boundingBox())!;
  await page.getByTestId("palette-wait").dragTo(page.locator(".react-flow__pane"), { targetPosition: { x: mid.x - pane.x, y: mid.y - pane.y } });
  await expect.poll(async () => wires(await graphOf(page, flow.id))).toEqual(["m->x", "t->wait-1", "wait-1->m"]);

  // The new step is selected and its inspector covers the right of the canvas: select the loose step.
  await page.locator('.react-flow__node[data-id="loose"]').click();
  const loose = await box(page, "loose");
  const target = await edgeMiddle(page, "e2");
  await page.mouse.move(loose.x + 16, loose.y + loose.height / 2);
  await page.mouse.down();
  await page.mouse.move((loose.x + target.x) / 2, (loose.y + target.y) / 2, { steps: 8 });
  await page.mouse.move(target.x, target.y, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => wires(await graphOf(page, flow.id))).toEqual(["loose->x", "m->loose", "t->wait-1", "wait-1->m"]);
});

test("one undo brings back a deleted step with its wires", async ({ page, request }) => {
  const flow = await createFlow(request, { name: "Undo delete", graph: chain });
  await signIn(page, `/flows/${flow.id}`);
  await page.locator('.react-flow__node[data-id="m"]').click();
  await page.keyboard.press("Delete");
  await expect(page.locator(".react-flow__node")).toHaveCount(3);
  await expect(page.locator(".react-flow__edge")).toHaveCount(0);
  await page.keyboard.press("Control+z");
  await expect(page.locator(".react-flow__node")).toHaveCount(4);
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
});

test("a flow created without positions opens laid out, with readable text", async ({ page, request }) => {
  const nodes = chain.nodes.map((n) => ({ id: n.id, type: n.type, data: n.data }));
  const flow = await createFlow(request, { name: "No positions", graph: { nodes, edges: chain.edges } });
  await signIn(page, `/flows/${flow.id}`);
  await expect(page.locator(".react-flow__node")).toHaveCount(4);
  await expect.poll(async () => (await graphOf(page, flow.id)).nodes.every((n) => n.position)).toBe(true);
  const boxes = await Promise.all(["t", "m", "x", "loose"].map((id) => box(page, id)));
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      expect(a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height, `cards ${i} and ${j} overlap`).toBe(false);
    }
  const zoom = await page.locator(".react-flow__viewport").evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);
  expect(zoom).toBeGreaterThanOrEqual(0.5);
});

test("a step is renamed with F2 and the name shows on the card and in the publish diff; new condition rows stay quiet until touched", async ({ page, request }) => {
  const flow = await createFlow(request, { name: "Names", graph: linked });
  await signIn(page, `/flows/${flow.id}`);
  await page.locator('.react-flow__node[data-id="m"]').focus();
  await page.keyboard.press("F2");
  await expect(page.getByLabel("Step label")).toBeFocused();
  await page.keyboard.type("Welcome banner");
  await expect(page.getByTestId("node-m")).toContainText("Welcome banner");
  await expect.poll(async () => ((await graphOf(page, flow.id)).nodes.find((n) => n.id === "m") as { label?: string }).label).toBe("Welcome banner");
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("dialog")).toContainText("Welcome banner");
  await page.keyboard.press("Escape");

  // A new condition starts empty and inert, and says nothing until its row is touched.
  await page.locator('.react-flow__node[data-id="x"]').click();
  await page.getByTestId("palette-condition").click();
  await expect(page.locator(".react-flow__node")).toHaveCount(4);
  // (An exit leads nowhere, so the new condition is unconnected — the problems list may say that, in
  // plain words; nothing speaks in zod's words or about the untouched row.)
  await expect(page.getByRole("alert").filter({ hasText: /Too small|expected string|\.where\.|\.0\./ })).toHaveCount(0);
});

test("a save the server refuses is reported as itself when publishing, not as 'Save the draft first'", async ({ page, request }) => {
  const flow = await createFlow(request, { name: "Save error", graph: linked });
  await signIn(page, `/flows/${flow.id}`);
  await page.getByLabel("Flow name").fill("N".repeat(201));
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-state", "error");
  await page.getByRole("button", { name: "Publish" }).click();
  const alert = page.getByRole("alert").filter({ hasNotText: "Unsaved changes" });
  await expect(alert.first()).toBeVisible();
  await expect(alert.first()).not.toContainText("Save the draft first");
  await expect(alert.first()).toContainText(/name/i);
});
