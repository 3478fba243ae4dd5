// The contract suite's OpenAPI check itself: it must flag every kind of drift between an answer and
// the document (an unlisted status, a body of the wrong shape, an undescribed body), or it proves nothing.
import { describe, expect, it } from "vitest";
import { apiDocument } from "@/lib/http/api-document";
import { OpenApiCheck } from "./openapi-check";

const JSON_TYPE = "application/json";
const error = JSON.stringify({ error: { code: "not_found", message: "No", details: [] } });

describe("OpenApiCheck", () => {
  const fresh = () => new OpenApiCheck(JSON.parse(JSON.stringify(apiDocument())));

  it("accepts answers the document describes", () => {
    const c = fresh();
    c.check("POST", "http://x/api/v1/track", 200, JSON_TYPE, JSON.stringify({ success: true }));
    c.check("POST", "http://x/api/v1/b", 200, JSON_TYPE, JSON.stringify({ success: true, accepted: 2 }));
    c.check("GET", "http://x/api/v1/keys", 200, JSON_TYPE, JSON.stringify({ keys: [{ id: "k", kind: "write", name: "n", prefix: "pw_wk_1", createdAt: "2026-01-01T00:00:00.000Z", lastUsedAt: null, revokedAt: null }] }));
    c.check("GET", "http://x/api/v1/flows/abc/versions", 404, JSON_TYPE, error);
    c.check("OPTIONS", "http://x/api/v1/flows/abc", 204, "", "");
    c.check("GET", "http://x/api/v1/nothing/here", 404, JSON_TYPE, error);
    c.check("GET", "http://x/api/v1/t", 405, JSON_TYPE, JSON.stringify({ error: { code: "method_not_allowed", message: "No", details: [] } }));
    c.check("GET", "http://x/api/metrics", 200, "text/plain; version=0.0.4", "# HELP x\n");
    c.check("GET", "http://x/flows", 200, "text/html", "<html>"); // console pages are not checked
    expect(c.report()).toBe("");
    expect(c.checked).toBe(8);
  });

  it("flags an unlisted status, a body of the wrong shape, an undescribed body and a non-JSON error", () => {
    const c = fresh();
    c.check("POST", "http://x/api/v1/track", 500, JSON_TYPE, error);
    c.check("POST", "http://x/api/v1/batch", 200, JSON_TYPE, JSON.stringify({ success: true }));
    c.check("GET", "http://x/api/v1/keys", 200, JSON_TYPE, JSON.stringify({ keys: [{ id: "k" }] }));
    c.check("DELETE", "http://x/api/v1/keys/k", 204, JSON_TYPE, JSON.stringify({ deleted: true }));
    c.check("GET", "http://x/api/v1/nothing/here", 200, JSON_TYPE, "{}");
    c.check("GET", "http://x/api/v1/nothing/else", 404, "text/html", "<html>Not found</html>");
    c.check("GET", "http://x/api/v1/flows/abc/results/csv", 200, JSON_TYPE, "{}");
    const report = c.report();
    expect(c.violations.size, report).toBe(6);
    expect(report).toContain("POST /api/v1/track → 500: status not described");
    expect(report).toContain("POST /api/v1/batch → 200: body does not match");
    expect(report).toContain("GET /api/v1/keys → 200: body does not match");
    expect(report).toContain("expected the Error body");
    expect(report).toContain("the document describes text/csv");
  });
});
