// Why-not's OpenAPI entries build into the document with their answers and errors described.
import { describe, expect, it } from "vitest";
import { buildOpenApi } from "@/lib/http/openapi";
import { endpoints } from "./api-docs";

describe("why-not OpenAPI", () => {
  it("documents the why endpoint and the trigger funnel with their answers and errors", () => {
    const doc = buildOpenApi(endpoints, { version: "test" }) as { paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters: { name: string }[] }>>; components: { schemas: Record<string, unknown> } };
    const why = doc.paths["/api/v1/users/{userId}/why"].get;
    expect(Object.keys(why.responses)).toEqual(expect.arrayContaining(["200", "400", "404"]));
    expect(why.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(["userId", "flowId", "events"]));
    expect(doc.paths["/api/v1/flows/{id}/trigger-funnel"].get.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(["id", "from", "to", "sample"]));
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["WhyAnswer", "WhyReason", "TriggerFunnel"]));
  });
});
