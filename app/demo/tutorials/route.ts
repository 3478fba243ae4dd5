// The demo's tutorial service (not part of the product API): GET /demo/tutorials?role=&level= answers
// the tutorial for a role and experience level, as a customer's own content API would. The demo's
// onboarding flow calls it through a fetch node and shows the tutorial in its in-app message.
import { pickTutorial } from "@/lib/demo/tutorials";

export function GET(req: Request): Response {
  const url = new URL(req.url);
  const tutorial = pickTutorial(url.searchParams.get("role"), url.searchParams.get("level"));
  return Response.json(tutorial, { headers: { "cache-control": "no-store" } });
}
