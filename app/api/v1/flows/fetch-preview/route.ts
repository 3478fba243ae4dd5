// POST /api/v1/flows/fetch-preview (docs/api.md §5 fetch): the canvas's "Try it" — renders a fetch node
// for a real profile and calls it once through the webhook guard.
import { route } from "@/lib/http/route";
import { FetchPreviewBody, previewFetch } from "@/lib/runtime/fetch-preview";

export const POST = route({ name: "flows.fetch_preview", access: "editor", body: FetchPreviewBody }, async ({ db, body }) => previewFetch(db, body));
