// GET /api/v1/openapi.json: the OpenAPI 3.1 document generated from the zod schemas.
import { buildOpenApi } from "@/lib/http/openapi";
import { endpoints as flowEndpoints } from "@/lib/flows/api-docs";
import { endpoints as authEndpoints } from "@/lib/auth/api-docs";
import { endpoints as runtimeEndpoints } from "@/lib/runtime/api-docs";
import { endpoints as ingestEndpoints } from "@/lib/ingest/api-docs";
import { endpoints as policyEndpoints } from "@/lib/policies/api-docs";
import { endpoints as resultsEndpoints } from "@/lib/results/api-docs";
import { endpoints as streamEndpoints } from "@/lib/streams/api-docs";
import { endpoints as caseEndpoints } from "@/lib/cases/api-docs";
import { endpoints as whyEndpoints } from "@/lib/why/api-docs";

export const dynamic = "force-static";

let cached: unknown;

export function GET() {
  cached ??= buildOpenApi([...flowEndpoints, ...authEndpoints, ...runtimeEndpoints, ...ingestEndpoints, ...policyEndpoints, ...resultsEndpoints, ...caseEndpoints, ...whyEndpoints, ...streamEndpoints], { version: "1.0.0" });
  return Response.json(cached);
}
