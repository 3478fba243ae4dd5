// POST /api/v1/channels/check {graph} (docs/api.md §6): the message steps that cannot be delivered as
// configured. The publish dialog shows them; publishing is not refused for them.
import { route } from "@/lib/http/route";
import { DeliveryCheckBody, deliveryWarnings } from "@/lib/runtime/channels";

export const POST = route({ name: "channels.check", access: "editor", body: DeliveryCheckBody }, async ({ body }) => ({ warnings: await deliveryWarnings(body.graph) }));
