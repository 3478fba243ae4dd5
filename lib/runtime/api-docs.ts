// OpenAPI entries for the executor's endpoints: decisions, outcomes and the sandbox.
import type { Endpoint } from "@/lib/http/openapi";
import { DecideBody, DecideResult, OutcomeBody, OutcomeResult } from "./decide";
import { SimulateBody, SimulateResult } from "./simulate";
import { ChannelStatus, DeliveryCheckBody, DeliveryCheckResult, TestEmailBody, TestEmailResult } from "./channels";

export const endpoints: Endpoint[] = [
  {
    method: "post",
    path: "/api/v1/decide",
    summary: "The in_app content each placement should show this user (null when none); never fails for an unknown user",
    tag: "Decisions",
    access: "write",
    body: DecideBody,
    response: DecideResult,
    errors: [400, 413],
  },
  {
    method: "post",
    path: "/api/v1/outcomes",
    summary: "Record that a decision was shown, clicked or dismissed (each once per decision; dismissed hides it)",
    tag: "Decisions",
    access: "write",
    body: OutcomeBody,
    response: OutcomeResult,
    errors: [400, 404],
  },
  {
    method: "post",
    path: "/api/v1/simulate",
    summary: "Run a flow (flowId: its draft, or graph + settings) for a made-up profile on a virtual clock; stores and sends nothing",
    tag: "Flows",
    access: "editor",
    body: SimulateBody,
    response: SimulateResult,
    errors: [400, 404, 422],
  },
  { method: "get", path: "/api/v1/channels", summary: "Whether each channel can deliver: email needs an SMTP server (SMTP_URL or SMTP_HOST)", tag: "Decisions", access: "viewer", response: ChannelStatus, errors: [] },
  {
    method: "post",
    path: "/api/v1/channels/check",
    summary: "The message steps of a graph that cannot be delivered as configured (email without SMTP, a webhook to a refused or unresolvable address); publishing is not refused for them",
    tag: "Decisions",
    access: "editor",
    body: DeliveryCheckBody,
    response: DeliveryCheckResult,
    errors: [400],
  },
  {
    method: "post",
    path: "/api/v1/channels/email/test",
    summary: "Send one test email (subject prefixed [Test]) to the signed-in account's address through the flows' SMTP path; console sessions only",
    tag: "Decisions",
    access: "editor",
    body: TestEmailBody,
    response: TestEmailResult,
    errors: [400, 403, 409],
    responses: { 502: { description: "The SMTP server refused the message or could not be reached (code delivery_failed)" } },
  },
];
