// A marketer saves a test case from the simulate panel, edits the flow so it breaks, sees the case fail
// and the step it no longer reaches marked, and sees publish refused until the case is marked as
// expected to change (with why, which the audit log keeps).
import { expect, test } from "@playwright/test";
import { auth, createFlow, signIn } from "./helpers";

//   t "Signed up" ─▶ c "Is admin?" {role eq admin} ──yes──▶ a "Admin tour"
//                                                  └──no──▶ m "Member tour"
const graph = {
  nodes: [
    { id: "t", type: "trigger", label: "Signed up", position: { x: 300, y: 0 }, data: { on: { type: "event", event: "Signed Up" } } },
    { id: "c", type: "condition", label: "Is admin?", position: { x: 300, y: 180 }, data: { if: { trait: "role", op: "eq", value: "admin" } } },
    { id: "a", type: "message", label: "Admin tour", position: { x: 100, y: 360 }, data: { channel: "in_app", placement: "home", content: "Welcome, admin {{ user.name }}" } },
    { id: "m", type: "message", label: "Member tour", position: { x: 500, y: 360 }, data: { channel: "in_app", placement: "home", content: "Find your projects" } },
  ],
  edges: [
    { id: "e1", source: "t", target: "c" },
    { id: "e2", source: "c", target: "a", sourceHandle: "yes" },
    { id: "e3", source: "c", target: "m", sourceHandle: "no" },
  ],
};

test("a case saved from simulate fails after a breaking edit, and publish is refused until it is marked expected to change", async ({ page, request }) => {
  const flow = await createFlow(request, { name: "Onboarding with cases", graph });
  await signIn(page, `/flows/${flow.id}`);
  await expect(page.getByTestId("node-a")).toContainText("Admin tour"); // the label is shown on the card

  // Simulate an admin and save what happened as a test case.
  await page.getByRole("tab", { name: "Simulate" }).click();
  await page.getByLabel("Profile traits (JSON)").fill('{"role": "admin", "name": "Ada"}');
  await page.getByRole("button", { name: "Run simulation" }).click();
  await expect(page.getByTestId("sim-result")).toContainText("Welcome, admin Ada");
  await page.getByLabel("Test case name").fill("Admin sees the admin tour");
  await page.getByRole("button", { name: "Save as test case" }).click();
  await expect(page.getByText("Saved test case “Admin sees the admin tour”")).toBeVisible();

  const saved = await (await request.get(`/api/v1/flows/${flow.id}/tests`, { headers: auth })).json();
  expect(saved.cases).toHaveLength(1);
  expect(saved.cases[0].expect).toMatchObject({ enters: true, steps: expect.arrayContaining(["Signed up", "Is admin?", "Admin tour"]) });

  await page.getByRole("tab", { name: /^Tests/ }).click();
  const row = page.getByTestId("test-case").filter({ hasText: "Admin sees the admin tour" });
  await expect(row).toHaveAttribute("data-state", "passed");
  await expect(page.getByTestId("tests-summary")).toContainText("1 passing");

  // The breaking edit: the condition now asks for "owner".
  await page.locator('.react-flow__node[data-id="c"]').click();
  await page.getByRole("tab", { name: "Inspector" }).click();
  await page.getByLabel("Trait (rule) value", { exact: true }).fill("owner");
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-state", "saved");

  await page.getByRole("tab", { name: /^Tests/ }).click();
  await expect(row).toHaveAttribute("data-state", "failed");
  await expect(row).toContainText("expected to pass step “Admin tour”");
  await expect(row.getByTestId("test-case-path")).toHaveText("Signed up → Is admin? → Member tour");
  await expect(page.getByTestId("node-a")).toHaveAttribute("data-unreached", "true");
  await expect(page.getByRole("tab", { name: "Tests (1 failing)" })).toBeVisible();

  // Publish is refused and names the case.
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("publish-failing-cases")).toContainText("Admin sees the admin tour");
  await dialog.getByRole("button", { name: "Publish v1" }).click();
  await expect(dialog.getByRole("alert")).toContainText("Admin sees the admin tour");
  await expect(dialog.getByRole("alert")).toContainText("cannot be published");
  expect((await (await request.get(`/api/v1/flows/${flow.id}`, { headers: auth })).json()).version).toBe(0);

  // Marked as expected to change, with why: publish goes through and the audit log says who and why.
  await dialog.getByLabel("Expected to change: Admin sees the admin tour").check();
  await dialog.getByLabel("Why is “Admin sees the admin tour” expected to change?").fill("Admins are called owners now");
  await dialog.getByRole("button", { name: "Publish v1" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("live v1")).toBeVisible();
  const audit = await (await request.get(`/api/v1/audit?action=flow.test.expected_to_change`, { headers: auth })).json();
  const entry = audit.entries.find((e: { target: string }) => e.target === flow.id);
  expect(entry).toMatchObject({ actor: "admin@example.com", details: { case: "Admin sees the admin tour", reason: "Admins are called owners now" } });

  // Renaming a step in the inspector: a case naming the old label now says the step was removed.
  await page.locator('.react-flow__node[data-id="m"]').click({ position: { x: 30, y: 15 } }); // clear of the minimap
  await page.getByRole("tab", { name: "Inspector" }).click();
  await page.getByLabel("Step label").fill("Member welcome");
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-state", "saved");
  await expect(page.getByTestId("node-m")).toContainText("Member welcome");
  const stored = await (await request.get(`/api/v1/flows/${flow.id}`, { headers: auth })).json();
  expect(stored.graph.nodes.find((n: { id: string }) => n.id === "m").label).toBe("Member welcome");
  const memberCase = { name: "Member", profile: { traits: { role: "member" } }, events: [{ at: "PT1M", type: "track", event: "Signed Up" }], expect: { steps: ["Member tour"] } };
  const ran = await (await request.post(`/api/v1/flows/${flow.id}/tests/run`, { headers: auth, data: { cases: [memberCase] } })).json();
  expect(ran.results[0].failures).toEqual(["step “Member tour” was removed (no step has that label or id)"]);
  expect(ran.results[0].path).toEqual(["Signed up", "Is admin?", "Member welcome"]);
});

test("a case is added from a real user's profile and passes on the flow", async ({ page, request }) => {
  const flow = await createFlow(request, { name: "Cases from real users", graph });
  expect((await request.post("/api/v1/identify", { headers: auth, data: { userId: "real-ada", traits: { role: "admin", name: "Ada" } } })).status()).toBe(200);
  expect((await request.post("/api/v1/track", { headers: auth, data: { userId: "real-ada", event: "Signed Up" } })).status()).toBe(200);
  await signIn(page, "/users/real-ada");
  await page.getByLabel("Flow", { exact: true }).selectOption({ label: "Cases from real users" });
  await page.getByRole("button", { name: "Add case from this user" }).click();
  await expect(page.getByText("Added “Like real-ada”")).toBeVisible();

  const suite = await (await request.get(`/api/v1/flows/${flow.id}/tests`, { headers: auth })).json();
  expect(suite.cases).toHaveLength(1);
  expect(suite.cases[0]).toMatchObject({ name: "Like real-ada", profile: { traits: { role: "admin", name: "Ada" } }, expect: { enters: true, steps: ["Signed up", "Is admin?", "Admin tour"] } });
  await page.goto(`/flows/${flow.id}`);
  await page.getByRole("tab", { name: /^Tests/ }).click();
  await expect(page.getByTestId("test-case").filter({ hasText: "Like real-ada" })).toHaveAttribute("data-state", "passed");
});
