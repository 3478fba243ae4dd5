// OpenAPI entries for the flow, key, account and health endpoints.
import { z } from "zod";
import type { Endpoint } from "@/lib/http/openapi";
import { FlowCreateBody, FlowDocument, FlowSummary, FlowUpdateBody, Graph, Settings } from "@/lib/flow/schema";
import { CreateKeyBody } from "@/lib/auth/keys";
import { CreateAccountBody } from "@/lib/auth/accounts";
import { Account } from "@/lib/auth/api-docs";
import { ConflictsResult } from "./conflicts";

const StatusResult = z.object({ id: z.string(), status: z.enum(["active", "paused"]), version: z.number().int() });
const Version = z.object({ id: z.string(), flowId: z.string(), version: z.number().int(), graph: Graph, settings: Settings, publishedAt: z.string(), publishedBy: z.string().nullable() });
const VersionSummary = z.object({ id: z.string(), version: z.number().int(), publishedAt: z.string(), publishedBy: z.string().nullable() }).meta({ id: "VersionSummary" });
const KeyView = z
  .object({ id: z.string(), kind: z.enum(["write", "secret"]), name: z.string(), prefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() })
  .meta({ id: "ApiKey", description: "An API key as listed: never its secret" });
const CreatedKey = z.object({ id: z.string(), kind: z.enum(["write", "secret"]), name: z.string(), key: z.string(), prefix: z.string(), createdAt: z.string() }).meta({ id: "CreatedKey" });

export const endpoints: Endpoint[] = [
  {
    method: "get",
    path: "/api/health",
    summary: "Ready when the database answers",
    tag: "Operations",
    access: "public",
    response: z.object({ status: z.literal("ok") }),
    responses: { 503: { description: "The database does not answer", response: z.object({ status: z.literal("error"), error: z.object({ code: z.string(), message: z.string(), details: z.array(z.unknown()) }) }) } },
  },
  { method: "get", path: "/api/metrics", summary: "Prometheus metrics (text format); a secret key or PATHWISE_METRICS_TOKEN", tag: "Operations", access: "admin", responseType: "text/plain" },
  { method: "get", path: "/api/v1/openapi.json", summary: "This document", tag: "Operations", access: "public", response: z.object({ openapi: z.string(), info: z.record(z.string(), z.unknown()), paths: z.record(z.string(), z.unknown()) }).loose() },
  { method: "post", path: "/api/v1/keys", summary: "Create an API key (shown once)", tag: "Keys", access: "admin", body: CreateKeyBody, response: CreatedKey, status: 201 },
  { method: "get", path: "/api/v1/keys", summary: "List API keys (never their secrets)", tag: "Keys", access: "admin", response: z.object({ keys: z.array(KeyView) }) },
  { method: "delete", path: "/api/v1/keys/:id", summary: "Revoke an API key", tag: "Keys", access: "admin", status: 204, errors: [404] },
  { method: "get", path: "/api/v1/accounts", summary: "List console accounts", tag: "Accounts", access: "admin", response: z.object({ accounts: z.array(Account) }) },
  { method: "post", path: "/api/v1/accounts", summary: "Create a console account with a role", tag: "Accounts", access: "admin", body: CreateAccountBody, response: z.object({ account: Account }), status: 201, errors: [409] },
  { method: "get", path: "/api/v1/flows", summary: "List flows", tag: "Flows", access: "viewer", response: z.object({ flows: z.array(FlowSummary) }) },
  {
    method: "get",
    path: "/api/v1/flows/conflicts",
    summary: "Active flows that fill the same in-app placement from the same trigger, and which wins (priority, then newest)",
    tag: "Flows",
    access: "viewer",
    response: ConflictsResult,
  },
  { method: "post", path: "/api/v1/flows", summary: "Create a flow (draft); graph problems are returned, not refused", tag: "Flows", access: "editor", body: FlowCreateBody, response: FlowDocument, status: 201, errors: [422] },
  { method: "get", path: "/api/v1/flows/:id", summary: "Read a flow's draft and status", tag: "Flows", access: "viewer", response: FlowDocument, errors: [404] },
  { method: "put", path: "/api/v1/flows/:id", summary: "Update the draft", tag: "Flows", access: "editor", body: FlowUpdateBody, response: FlowDocument, errors: [404, 422] },
  { method: "delete", path: "/api/v1/flows/:id", summary: "Delete a flow with its versions and runs", tag: "Flows", access: "editor", status: 204, errors: [404] },
  { method: "post", path: "/api/v1/flows/:id/pause", summary: "Pause: no new entries, no messages; runs hold", tag: "Flows", access: "editor", response: StatusResult, errors: [404, 409] },
  { method: "post", path: "/api/v1/flows/:id/resume", summary: "Resume a paused flow", tag: "Flows", access: "editor", response: StatusResult, errors: [404, 409] },
  { method: "get", path: "/api/v1/flows/:id/versions", summary: "Published versions, newest first", tag: "Flows", access: "viewer", response: z.object({ versions: z.array(VersionSummary) }), errors: [404] },
  { method: "get", path: "/api/v1/flows/:id/versions/:version", summary: "One published version (read-only)", tag: "Flows", access: "viewer", response: Version, errors: [404] },
  { method: "post", path: "/api/v1/flows/:id/versions/:version/restore", summary: "Make a published version the draft again", tag: "Flows", access: "editor", response: FlowDocument, errors: [404] },
];
