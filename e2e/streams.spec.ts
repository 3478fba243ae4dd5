// Stream sources in the console: a person creates a RabbitMQ source under Users → Sources, sees it
// connect, consume and keep a poison message as a dead letter, tests the connection and pauses it; the
// password typed in never appears again.
import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";
import { AMQP_URL, deleteRabbitQueue, rabbitPublisher, uniqueName } from "../lib/streams/test-brokers";

const queue = uniqueName("pw_e2e");

test.afterAll(async () => {
  await deleteRabbitQueue(queue).catch(() => undefined);
});

test("create a RabbitMQ source, watch it consume, inspect a dead letter, test and pause it", async ({ page }) => {
  await signIn(page, "/data/sources");
  await page.goto("/data/sources");
  await page.getByLabel("Name").fill("Orders from RabbitMQ");
  await page.getByLabel("Kind").selectOption("rabbitmq");
  await page.getByLabel("Connection URL").fill(AMQP_URL);
  await page.getByLabel("Queue").fill(queue);
  await page.getByRole("button", { name: "Create source" }).click();
  await expect(page.getByRole("status").filter({ hasText: "will not be shown again" })).toBeVisible();
  await expect(page.getByLabel("Connection URL")).toHaveValue("");

  const card = page.getByRole("listitem", { name: "Source Orders from RabbitMQ" });
  await expect(card.getByTestId("source-status")).toHaveText("connected", { timeout: 30_000 });
  await expect(card).toContainText("amqp://guest:****@127.0.0.1:5672");
  expect(await page.content()).not.toContain("guest:guest");

  const pub = await rabbitPublisher(queue);
  for (let i = 0; i < 3; i++) pub.publish(JSON.stringify({ type: "track", userId: "e2e-stream", event: "Stream E2E", properties: { i }, messageId: `e2e-${queue}-${i}` }));
  pub.publish("{this is not json");
  await pub.flush();
  await pub.close();

  await expect(card.getByText(/^Consumed/).locator("..")).toContainText("3", { timeout: 20_000 });
  await expect(card.getByText(/^Dead letters/).locator("..")).toContainText("1");
  await card.getByRole("button", { name: "Show dead letters" }).click();
  await expect(card.getByRole("list", { name: "Dead letters of Orders from RabbitMQ" })).toContainText("not JSON");

  await card.getByRole("button", { name: "Test connection" }).click();
  await expect(card.getByRole("status").filter({ hasText: "Connection works" })).toContainText(queue);

  await card.getByRole("button", { name: "Pause" }).click();
  await expect(card.getByTestId("source-status")).toHaveText("paused");
  await expect(card.getByRole("button", { name: "Resume" })).toBeVisible();
});
