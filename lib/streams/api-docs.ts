// OpenAPI entries for stream sources (RabbitMQ, NATS JetStream) and cohort syncs: operations on a
// source beyond the CRUD documented with the other sources in lib/ingest/api-docs.ts.
import type { Endpoint } from "@/lib/http/openapi";
import { SourceView } from "@/lib/ingest/sources";
import { DeadLetterList, ReplayBody, ReplayResult } from "./dead-letters";
import { ConnectionTest } from "./test-connection";

export const endpoints: Endpoint[] = [
  { method: "post", path: "/api/v1/sources/:id/pause", summary: "Pause a source: every instance stops consuming it within seconds (webhook kinds: deliveries get 403)", tag: "Sources", access: "editor", response: SourceView, errors: [404] },
  { method: "post", path: "/api/v1/sources/:id/resume", summary: "Resume a paused source", tag: "Sources", access: "editor", response: SourceView, errors: [404] },
  { method: "post", path: "/api/v1/sources/:id/test", summary: "Try a stream source's broker with its stored settings; ok false carries the broker's message", tag: "Sources", access: "editor", response: ConnectionTest, errors: [404] },
  {
    method: "get",
    path: "/api/v1/sources/:id/dead-letters",
    summary: "Messages the source could not process (bad_json, too_large, validation, tracking_plan), newest first",
    tag: "Sources",
    access: "viewer",
    response: DeadLetterList,
    errors: [404],
    query: { limit: "at most 500 (default 100)", all: "true: replayed ones too" },
  },
  {
    method: "post",
    path: "/api/v1/sources/:id/dead-letters/replay",
    summary: "Run dead letters through ingestion again (body optional: all pending ones); those that go through are marked replayed",
    tag: "Sources",
    access: "editor",
    body: ReplayBody,
    bodyOptional: true,
    response: ReplayResult,
    errors: [404],
  },
];
