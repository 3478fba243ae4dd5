// OpenAPI entries for ingestion, profiles, import, CRM sources, the tracking plan and the engagement score.
import { z } from "zod";
import type { Endpoint } from "@/lib/http/openapi";
import { AliasMessage, BatchBody, BatchResult, GroupMessage, IdentifyMessage, IngestResult, PageMessage, ScreenMessage, TrackMessage } from "./messages";
import { ImportStatus } from "./import";
import { EngagementSettings, GlobalControl, TrackingPlan } from "./settings";
import { CreateSourceBody, PreviewBody, SourceUpdate, SourceView } from "./sources";
import { AmplitudeCohortSync, MixpanelCohortSync } from "@/lib/streams/cohorts";
import { ViolationItem } from "./violations";
import { ProfileList, ProfileView } from "@/lib/profiles/read";

const CreatedSource = z.object({ source: SourceView, secret: z.string().optional().describe("Webhook kinds only, shown once") }).meta({ id: "CreatedSource" });
const WebhookPayload = z
  .union([MixpanelCohortSync, AmplitudeCohortSync, z.unknown().describe("A CRM payload, read by the source's mapping")])
  .meta({ id: "SourceWebhookPayload", description: "kind mixpanel: Mixpanel's cohort sync; kind amplitude: Amplitude's cohort webhook; other kinds: any JSON the mapping reads" });
const ingestErrors = [413];

const Row = z.record(z.string(), z.unknown());
const UserExport = z
  .object({
    exportedAt: z.string(),
    profile: Row,
    identities: z.array(Row),
    groups: z.array(Row),
    items: z.array(Row).describe("Catalog items the person viewed or bought"),
    events: z.array(Row),
    runs: z.array(Row),
    steps: z.array(Row),
    touchpoints: z.array(Row),
    outcomes: z.array(Row),
  })
  .meta({ id: "UserExport", description: "Everything stored about one person (a data access request)" });

// analytics.js posts to <apiHost>/t, /i, /p, /s, /g, /a and /b: the same endpoints under short names.
const SHORT: Array<[string, string, z.ZodType, z.ZodType]> = [
  ["t", "track", TrackMessage, IngestResult],
  ["i", "identify", IdentifyMessage, IngestResult],
  ["p", "page", PageMessage, IngestResult],
  ["s", "screen", ScreenMessage, IngestResult],
  ["g", "group", GroupMessage, IngestResult],
  ["a", "alias", AliasMessage, IngestResult],
  ["b", "batch", BatchBody, BatchResult],
];

export const endpoints: Endpoint[] = [
  { method: "post", path: "/api/v1/track", summary: "Record an event (Segment track)", tag: "Ingestion", access: "write", body: TrackMessage, response: IngestResult, errors: ingestErrors },
  { method: "post", path: "/api/v1/identify", summary: "Identify a user and merge traits (null removes a trait)", tag: "Ingestion", access: "write", body: IdentifyMessage, response: IngestResult, errors: ingestErrors },
  { method: "post", path: "/api/v1/page", summary: "Record a page view, stored as the event Page Viewed", tag: "Ingestion", access: "write", body: PageMessage, response: IngestResult, errors: ingestErrors },
  { method: "post", path: "/api/v1/screen", summary: "Record a mobile screen view, stored as the event Screen Viewed", tag: "Ingestion", access: "write", body: ScreenMessage, response: IngestResult, errors: ingestErrors },
  { method: "post", path: "/api/v1/group", summary: "Put the user in a group (account); the group's traits are kept once per group and read as group.<trait>", tag: "Ingestion", access: "write", body: GroupMessage, response: IngestResult, errors: ingestErrors },
  { method: "post", path: "/api/v1/alias", summary: "Join previousId to userId (profiles merge)", tag: "Ingestion", access: "write", body: AliasMessage, response: IngestResult, errors: ingestErrors },
  { method: "post", path: "/api/v1/batch", summary: "Up to 500 KB of messages, validated whole, stored in one transaction", tag: "Ingestion", access: "write", body: BatchBody, response: BatchResult, errors: ingestErrors },
  ...SHORT.map(([short, name, body, response]): Endpoint => ({ method: "post", path: `/api/v1/${short}`, summary: `analytics.js's path for ${name}: the same as /api/v1/${name}`, tag: "Ingestion", access: "write", body, response, errors: ingestErrors })),
  { method: "get", path: "/api/v1/users", summary: "Search profiles by userId, any identity or email trait", tag: "Profiles", access: "viewer", response: ProfileList, query: { q: "userId prefix, exact anonymousId, or part of the email", offset: "rows to skip", limit: "at most 200", known: "all | users | anonymous" } },
  { method: "get", path: "/api/v1/users/:userId", summary: "A profile: identities, traits, latest 50 events, runs with steps", tag: "Profiles", access: "viewer", response: ProfileView, errors: [404] },
  { method: "delete", path: "/api/v1/users/:userId", summary: "Erase the person: profile, identities, events, runs, touchpoints, queued jobs", tag: "Profiles", access: "admin", status: 204, errors: [404] },
  { method: "get", path: "/api/v1/users/:userId/export", summary: "Everything stored about the person (a JSON download)", tag: "Profiles", access: "admin", response: UserExport, errors: [404] },
  { method: "post", path: "/api/v1/import", summary: "Import profiles: CSV with a userId column, or JSON [{userId, traits}]", tag: "Import", access: "editor", bodyContentTypes: ["text/csv", "application/json"], response: z.object({ id: z.string() }), status: 202, errors: [400, 413], query: { name: "the file's name, shown in the console" } },
  { method: "get", path: "/api/v1/import", summary: "Recent imports", tag: "Import", access: "viewer", response: z.object({ imports: z.array(ImportStatus) }) },
  { method: "get", path: "/api/v1/import/:id", summary: "An import's progress and per-row errors", tag: "Import", access: "viewer", response: ImportStatus, errors: [404] },
  { method: "get", path: "/api/v1/sources", summary: "Sources: CRM webhooks, cohort syncs, RabbitMQ and NATS JetStream streams; suggested mappings", tag: "Sources", access: "viewer" },
  {
    method: "post",
    path: "/api/v1/sources",
    summary: "Create a source: a webhook (its secret is shown once) or a stream (kind rabbitmq {url, queue} or nats {url, stream, subject}; credentials never shown again)",
    tag: "Sources",
    access: "editor",
    body: CreateSourceBody,
    response: CreatedSource,
    status: 201,
  },
  { method: "get", path: "/api/v1/sources/:id", summary: "One source: status (connected, connecting, paused, error), consumed, failed, lastError, lag", tag: "Sources", access: "viewer", response: SourceView, errors: [404] },
  { method: "put", path: "/api/v1/sources/:id", summary: "Rename, remap, enable or disable a source; change a stream's URL, queue, stream or subject", tag: "Sources", access: "editor", body: SourceUpdate, response: SourceView, errors: [404] },
  { method: "delete", path: "/api/v1/sources/:id", summary: "Delete a source", tag: "Sources", access: "editor", status: 204, errors: [404] },
  { method: "post", path: "/api/v1/sources/:id/rotate", summary: "Replace the source's secret", tag: "Sources", access: "editor", response: z.object({ secret: z.string() }), errors: [404] },
  { method: "post", path: "/api/v1/sources/:id/preview", summary: "What a payload would do under a mapping (nothing stored)", tag: "Sources", access: "viewer", body: PreviewBody, errors: [404] },
  {
    method: "post",
    path: "/api/v1/sources/:id/webhook",
    summary: "A CRM delivery or a cohort sync, authenticated by X-Pathwise-Secret, Bearer, Basic (the secret as password) or ?secret=",
    tag: "Sources",
    access: "public",
    body: WebhookPayload,
    errors: [400, 401, 403, 404],
  },
  { method: "get", path: "/api/v1/tracking-plan", summary: "The tracking plan", tag: "Tracking plan", access: "viewer", response: TrackingPlan },
  { method: "put", path: "/api/v1/tracking-plan", summary: "Replace the tracking plan (mode reject or flag)", tag: "Tracking plan", access: "editor", body: TrackingPlan, response: TrackingPlan },
  { method: "get", path: "/api/v1/tracking-plan/violations", summary: "Latest events flagged by the plan", tag: "Tracking plan", access: "viewer", response: z.object({ violations: z.array(ViolationItem) }), query: { limit: "at most 500" } },
  { method: "get", path: "/api/v1/engagement", summary: "The engagement score formula", tag: "Profiles", access: "viewer", response: EngagementSettings },
  { method: "put", path: "/api/v1/engagement", summary: "Change the engagement score formula", tag: "Profiles", access: "editor", body: EngagementSettings, response: EngagementSettings },
  { method: "get", path: "/api/v1/settings/holdout", summary: "The global control group: the share of all users that gets no message from any flow", tag: "Profiles", access: "viewer", response: GlobalControl },
  {
    method: "put",
    path: "/api/v1/settings/holdout",
    summary: "Set the global control group (0-20 %, deterministic per user); results compare each flow against it",
    tag: "Profiles",
    access: "editor",
    body: GlobalControl,
    response: GlobalControl,
    errors: [400],
  },
];
