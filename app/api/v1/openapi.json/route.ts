// GET /api/v1/openapi.json: the OpenAPI 3.1 document generated from the zod schemas.
import { apiDocument } from "@/lib/http/api-document";

export const dynamic = "force-static";

export function GET() {
  return Response.json(apiDocument());
}
