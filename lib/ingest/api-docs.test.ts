// The data area's OpenAPI entries build into a valid document naming every endpoint.
import { describe, expect, it } from "vitest";
import { buildOpenApi } from "@/lib/http/openapi";
import { endpoints } from "./api-docs";

describe("data area OpenAPI", () => {
  it("documents ingestion, profiles, import and sources", () => {
    const doc = buildOpenApi(endpoints, { version: "test" }) as { paths: Record<string, Record<string, unknown>> };
    for (const p of ["/api/v1/track", "/api/v1/batch", "/api/v1/users/{userId}", "/api/v1/import/{id}", "/api/v1/sources/{id}/webhook", "/api/v1/tracking-plan"]) expect(doc.paths[p]).toBeDefined();
    expect(JSON.stringify(doc.paths["/api/v1/track"])).toContain("413");
  });
});
