// GET /api/v1/channels (docs/api.md §6): whether each channel can deliver (email: SMTP configured).
import { route } from "@/lib/http/route";
import { channelStatus } from "@/lib/runtime/channels";

export const GET = route({ name: "channels", access: "viewer" }, async () => channelStatus());
