// OpenAPI entries for the executor's endpoints: decisions, outcomes and the sandbox.
import type { Endpoint } from "@/lib/http/openapi";
import { DecideBody, DecideResult, OutcomeBody, OutcomeResult } from "./decide";
import { SimulateBody, SimulateResult } from "./simulate";

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
];

