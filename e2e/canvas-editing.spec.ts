// The canvas as a marketer edits it (issue items): Enter below a step that already leads somewhere,
// one undo for a deletion, a new step kept in view, a flow created without positions laid out on open.
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

type Graph = { nodes: { id: string; position?: { x: number; y: number } }[]; edges: { source: string; target: string; sourceHandle?: string }[] };
const wires = (g: Graph) => g.edges.map((e) => `${e.source}->${e.target}`).sort();

async function graphOf(page: Page, id: string): Promise<Graph> {
  const res = await page.request.get(`/api/v1/flows/${id}`, { headers: auth });
  return (await res.json()).graph;
}

async function box(page: Page, id: string) {
  return (await page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox())!;
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
