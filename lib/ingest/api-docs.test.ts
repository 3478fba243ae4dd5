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

describe("stream sources OpenAPI", () => {
  it("documents stream kinds, their operations and the cohort payloads", async () => {
    const { GET } = await import("@/app/api/v1/openapi.json/route");
    const doc = (await GET().json()) as { paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };
    for (const p of ["/api/v1/sources/{id}/pause", "/api/v1/sources/{id}/resume", "/api/v1/sources/{id}/test", "/api/v1/sources/{id}/dead-letters", "/api/v1/sources/{id}/dead-letters/replay"]) expect(doc.paths[p], p).toBeDefined();
    for (const s of ["RabbitSourceInput", "NatsSourceInput", "DeadLetter", "MixpanelCohortSync", "AmplitudeCohortSync", "Source"]) expect(doc.components.schemas[s], s).toBeDefined();
    expect(JSON.stringify(doc.components.schemas.Source)).toContain("connecting");
  });
});
