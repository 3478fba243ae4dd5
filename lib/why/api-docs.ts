// OpenAPI entries for why-not: a user's entry into a flow explained, and a flow's trigger funnel.
import type { Endpoint } from "@/lib/http/openapi";
import { WhyAnswer, WHY_DEFAULT_EVENTS, WHY_MAX_EVENTS } from "./why-not";
import { FUNNEL_DEFAULT_SAMPLE, FUNNEL_MAX_SAMPLE, TriggerFunnel } from "./trigger-funnel";

export const endpoints: Endpoint[] = [
  {
    method: "get",
    path: "/api/v1/users/:userId/why",
    summary: "Why this user is or is not in a flow: each recent event that could have let them in and the test it failed, re-entry, rollout, holdout, pause, caps and quiet hours, in plain words",
    tag: "Profiles",
    access: "viewer",
    response: WhyAnswer,
    query: { flowId: "the flow (required)", events: `how many of the user's latest events to look at (default ${WHY_DEFAULT_EVENTS}, at most ${WHY_MAX_EVENTS})` },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/api/v1/flows/:id/trigger-funnel",
    summary: "The trigger funnel for a time range: users who sent a trigger event, how many each test let through, how many entered, and where the others stopped (from a bounded sample of the latest trigger events)",
    tag: "Results",
    access: "viewer",
    response: TriggerFunnel,
    query: { from: "ISO 8601 start (default: 7 days before `to`)", to: "ISO 8601 end (default: now)", sample: `trigger events to look at, the latest of the range (default ${FUNNEL_DEFAULT_SAMPLE}, at most ${FUNNEL_MAX_SAMPLE})` },
    errors: [400, 404],
  },
];
