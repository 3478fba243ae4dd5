// The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. Each area
// lists its endpoints in its own api-docs.ts; this file only assembles them.
import { z } from "zod";
import type { Access } from "@/lib/auth/principal";

export type Endpoint = {
  method: "get" | "post" | "put" | "delete" | "patch";
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: z.ZodType;
  /** The body may be left out (e.g. publish without a migration). */
  bodyOptional?: boolean;
  /** A non-JSON body, e.g. text/csv. */
  bodyContentTypes?: string[];
  response?: z.ZodType;
  /** A success body that is not JSON (text/csv, Prometheus text): its media type. */
  responseType?: string;
  status?: number;
  /** Other answers than the success and the error statuses, e.g. a 303 redirect or a 503. */
  responses?: Record<number, { description: string; response?: z.ZodType }>;
  errors?: number[];
  query?: Record<string, string>;
};

const ErrorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.array(z.unknown()) }),
  })
  .meta({ id: "Error" });

const STATUS_TEXT: Record<number, string> = {
  400: "Malformed JSON, a field of the wrong shape, or a query value that is not storable text",
  401: "Missing or unknown key",
  403: "The key or account may not use this endpoint",
  404: "Unknown resource",
  409: "Conflict with the resource's state",
  405: "The path exists but not with this method",
  413: "Body too large",
  415: "Unsupported Content-Encoding (only gzip, deflate or none)",
  422: "A flow that cannot be stored or published",
  429: "Rate limited",
};

function toSchema(schema: z.ZodType, defs: Record<string, unknown>, io: "input" | "output") {
  const raw = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" });
  const out = JSON.parse(JSON.stringify(raw).replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<string, unknown>;
  const local = (out.$defs ?? {}) as Record<string, Record<string, unknown>>;
  delete out.$defs;
  delete out.$schema;
  delete out.id;
  for (const [k, v] of Object.entries(local)) {
    delete v.id;
    defs[k] = v;
  }
  const id = z.globalRegistry.get(schema)?.id;
  if (id) {
    // The top-level schema may come back as a $ref to its own definition; keep the definition.
    if (!(typeof out.$ref === "string" && id in local)) defs[id] = out;
    return { $ref: `#/components/schemas/${id}` };
  }
  return out;
}

export function buildOpenApi(endpoints: Endpoint[], info: { version: string }) {
  const defs: Record<string, unknown> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  const errorRef = toSchema(ErrorSchema, defs, "output");
  for (const e of endpoints) {
    const path = e.path.replace(/:([a-zA-Z]+)/g, "{$1}");
    const params = [...e.path.matchAll(/:([a-zA-Z]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const query = Object.entries(e.query ?? {}).map(([name, description]) => ({ name, in: "query", required: false, description, schema: { type: "string" } }));
    const security =
      e.access === "public" ? [] : e.access === "write" ? [{ secretKey: [] }, { writeKeyBasic: [] }, { writeKeyBearer: [] }, { session: [] }] : [{ secretKey: [] }, { session: [] }];
    const success = e.status ?? 200;
    const responses: Record<string, unknown> = {
      [String(success)]: e.response
        ? { description: "Success", content: { "application/json": { schema: toSchema(e.response, defs, "output") } } }
        : e.responseType
          ? { description: "Success", content: { [e.responseType]: { schema: { type: "string" } } } }
          : { description: success === 204 ? "Done; no body" : "Success" },
    };
    const hasBody = Boolean(e.body || e.bodyContentTypes);
    // Every route checks query values (text PostgreSQL cannot store is a 400), so every operation lists 400.
    const errors = new Set([...(e.access !== "public" || hasBody ? [400] : []), ...(e.access === "public" ? [] : [401, 403, 429]), ...(hasBody ? [413, 415] : []), ...(e.errors ?? [])]);
    for (const code of [...errors].sort((a, b) => a - b)) {
      responses[String(code)] = { description: STATUS_TEXT[code] ?? "Error", content: { "application/json": { schema: errorRef } } };
    }
    for (const [code, r] of Object.entries(e.responses ?? {})) {
      responses[code] = r.response ? { description: r.description, content: { "application/json": { schema: toSchema(r.response, defs, "output") } } } : { description: r.description };
    }
    const op: Record<string, unknown> = {
      summary: e.summary,
      tags: [e.tag],
      operationId: `${e.method}${path.replace(/[{}]/g, "").replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      security,
      parameters: [...params, ...query],
      responses,
    };
    if (e.body) {
      op.requestBody = { required: !e.bodyOptional, content: { "application/json": { schema: toSchema(e.body, defs, "input") } } };
    } else if (e.bodyContentTypes) {
      op.requestBody = { required: true, content: Object.fromEntries(e.bodyContentTypes.map((t) => [t, { schema: { type: "string" } }])) };
    }
    paths[path] = { ...(paths[path] ?? {}), [e.method]: op };
  }
  // Every /api/v1 path answers a CORS preflight (lib/http/cors.ts), whatever its methods.
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith("/api/v1/")) continue;
    const params = (Object.values(item)[0] as { parameters: Array<{ in: string }> }).parameters.filter((p) => p.in === "path");
    item.options = {
      summary: "CORS preflight: allows any origin and the request headers the browser asks for",
      tags: ["CORS"],
      operationId: `options${path.replace(/[{}]/g, "").replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      security: [],
      parameters: params,
      responses: { "204": { description: "Preflight allowed; the access-control-* headers say what" } },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Pathwise API",
      version: info.version,
      license: { name: "MIT", identifier: "MIT" },
      description:
        "Personalised user flows: ingestion, flows, decisions, outcomes and profiles. Besides the answers listed per operation, any /api path may answer 404 not_found (no such endpoint), 405 method_not_allowed (no such method on that path) or 400 invalid_path (a path that is not valid percent-encoded UTF-8), each with the Error body, and a path with a trailing slash is redirected (308) to the path without it; every /api/v1 answer carries CORS headers. The reference in words is docs/api.md.",
    },
    servers: [{ url: "/" }],
    components: {
      schemas: defs,
      securitySchemes: {
        secretKey: { type: "http", scheme: "bearer", description: "A secret key (pw_sk_…), allowed everywhere" },
        writeKeyBearer: { type: "http", scheme: "bearer", description: "A write key (pw_wk_…): ingestion, /decide and /outcomes only" },
        writeKeyBasic: { type: "http", scheme: "basic", description: "A write key as Segment sends it: base64(\"<writeKey>:\")" },
        session: { type: "apiKey", in: "cookie", name: "pw_session", description: "A console session" },
      },
    },
    paths,
  };
}
