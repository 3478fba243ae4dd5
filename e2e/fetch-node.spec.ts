// The fetch node on the canvas with a real mouse: drag it from the palette, fill its inspector, and press
// "Try it" for a real profile against a local HTTP receiver (allowlisted), seeing the status and JSON.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { auth, createFlow, signIn } from "./helpers";

let receiver: http.Server;
let base = "";
const calls: string[] = [];

test.beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    calls.push(req.url ?? "");
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/html") {
      res.writeHead(200, { "content-type": "text/html" });
      return res.end("<h1>maintenance</h1>");
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ title: `Tour for ${url.searchParams.get("role")}`, level: url.searchParams.get("level") }));
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((r) => receiver.close(r));
});

test("add a fetch node from the palette and try it for a real profile", async ({ page, request }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  expect((await request.post("/api/v1/identify", { headers: auth, data: { userId: "fetch-e2e-ada", traits: { role: "admin", experience: "expert" } } })).status()).toBe(200);
  const flow = await createFlow(request, { name: "Fetch on the canvas", graph: { nodes: [{ id: "t1", type: "trigger", position: { x: 200, y: 40 }, data: { on: { type: "identify" } } }], edges: [] } });
  await signIn(page, `/flows/${flow.id}`);
  await expect(page.locator(".react-flow")).toBeVisible();

  await page.getByTestId("palette-fetch").dragTo(page.locator(".react-flow__pane"), { targetPosition: { x: 320, y: 300 } });
  const node = page.locator('.react-flow__node[data-id="fetch-1"]');
  await expect(node).toBeVisible();
  await expect(node).toContainText("data.tutorial");
  // Two ways out: next (a 2xx JSON answer) and failed (anything else).
  await expect(node.locator('.react-flow__handle.source[data-handleid="next"]')).toHaveCount(1);
  await expect(node.locator('.react-flow__handle.source[data-handleid="failed"]')).toHaveCount(1);

  await page.getByLabel("URL (Liquid)").fill(`${base}/tutorials?role={{ user.role }}&level={{ user.experience }}`);
  await page.getByLabel("Save the answer as").fill("tut");
  await expect(node).toContainText("data.tut");
  await page.getByLabel("For user (userId)").fill("fetch-e2e-ada");
  await page.getByRole("button", { name: "Try it" }).click();
  const result = page.getByTestId("fetch-try-result");
  await expect(result).toContainText("Leaves by “next”");
  await expect(result).toContainText("HTTP 200");
  await expect(result).toContainText(`GET ${base}/tutorials?role=admin&level=expert`);
  await expect(result.getByLabel("data.tut", { exact: true })).toContainText('"title": "Tour for admin"');
  expect(calls).toContain("/tutorials?role=admin&level=expert");

  // An answer that is not JSON: the run would leave by failed, and the panel says why.
  await page.getByLabel("URL (Liquid)").fill(`${base}/html`);
  await page.getByRole("button", { name: "Try it" }).click();
  await expect(result).toContainText("Leaves by “failed”");
  await expect(result).toContainText("not JSON");

  // The draft keeps the node.
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-state", "saved", { timeout: 15_000 });
  const saved = await (await request.get(`/api/v1/flows/${flow.id}`, { headers: auth })).json();
  expect(saved.graph.nodes.find((n: { type: string }) => n.type === "fetch")?.data).toMatchObject({ url: `${base}/html`, as: "tut", method: "GET" });
  expect(errors).toEqual([]);
});
