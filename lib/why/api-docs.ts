// OpenAPI entries for why-not: a user's entry into a flow explained, and a flow's trigger funnel.
import type { Endpoint } from "@/lib/http/openapi";
import { WhyAnswer, WHY_DEFAULT_EVENTS, WHY_MAX_EVENTS } from "./why-not";

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
];
