// The whole OpenAPI document: every area's endpoints (their api-docs.ts) assembled once. Served at
// /api/v1/openapi.json and written by scripts/openapi.ts for the linter.
import { buildOpenApi } from "./openapi";
import { endpoints as flowEndpoints } from "@/lib/flows/api-docs";
import { endpoints as authEndpoints } from "@/lib/auth/api-docs";
import { endpoints as runtimeEndpoints } from "@/lib/runtime/api-docs";
import { endpoints as ingestEndpoints } from "@/lib/ingest/api-docs";
import { endpoints as policyEndpoints } from "@/lib/policies/api-docs";
import { endpoints as resultsEndpoints } from "@/lib/results/api-docs";
import { endpoints as caseEndpoints } from "@/lib/cases/api-docs";
import { endpoints as whyEndpoints } from "@/lib/why/api-docs";
import { endpoints as streamEndpoints } from "@/lib/streams/api-docs";
import { endpoints as suggestEndpoints } from "@/lib/suggest/api-docs";
import { endpoints as catalogEndpoints } from "@/lib/catalog/api-docs";

let cached: ReturnType<typeof buildOpenApi> | undefined;

export function apiDocument() {
  cached ??= buildOpenApi([...flowEndpoints, ...authEndpoints, ...runtimeEndpoints, ...ingestEndpoints, ...policyEndpoints, ...resultsEndpoints, ...caseEndpoints, ...whyEndpoints, ...streamEndpoints, ...catalogEndpoints, ...suggestEndpoints], { version: "1.0.0" });
  return cached;
}
