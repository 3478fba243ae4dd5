// POST /api/v1/simulate: the sandbox. A stored flow's draft (flowId) or a graph + settings runs through
// the very same engine on a virtual clock for one made-up profile; nothing is stored or sent.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { simulate, type SimulationResult } from "@/lib/engine";
import { Duration } from "@/lib/flow/schema";
import { checkFlow } from "@/lib/flow/validate";
import { getFlow } from "@/lib/flow-store/store";
import { ApiError } from "@/lib/http/errors";
import { Policies } from "@/lib/policies/schema";
import { getPolicies } from "@/lib/policies/runtime";
import { RENDER_BUDGET_MS, withRenderBudget } from "@/lib/liquid/budget";
import { WhyReasonSchema } from "@/lib/why/why-not";

const Props = z.record(z.string(), z.unknown());

export const SimulationEventBody = z
  .object({
    at: Duration.describe("Offset from the start of the simulation"),
    type: z.enum(["track", "identify", "page", "screen", "group"]),
    event: z.string().min(1).optional(),
    groupId: z.string().min(1).optional().describe("group: the group (account) the person joins, with `traits` as its traits"),
    name: z.string().optional(),
    properties: Props.optional(),
    traits: Props.optional(),
    userId: z.string().optional(),
    anonymousId: z.string().optional(),
  })
  .refine((e) => e.type !== "track" || e.event !== undefined, { message: "A track event needs `event`", path: ["event"] })
  .refine((e) => e.type !== "group" || e.groupId !== undefined, { message: "A group event needs `groupId`", path: ["groupId"] })
  .meta({ id: "SimulationEvent" });

export const SimulateBody = z
  .object({
    flowId: z.string().min(1).optional(),
    graph: z.unknown().optional(),
    settings: z.unknown().optional(),
    profile: z.object({ traits: Props.optional(), userId: z.string().optional(), group: Props.optional().describe("The traits of the person's group (and its id), read as group.<trait>") }).default({}),
    events: z.array(SimulationEventBody).max(1000).default([]),
    until: Duration.optional(),
    policies: Policies.nullable().optional().describe("Caps, quiet hours and time zone to apply; absent: the workspace's; null: none"),
    fetch: z
      .record(
        z.string(),
        z.object({
          status: z.number().int().min(100).max(599).optional().describe("Default 200"),
          body: z.string().max(64 * 1024 + 1).describe("The raw answer text, e.g. a JSON document"),
        }),
      )
      .optional()
      .describe("Fetch node id -> the answer it gets in the sandbox (nothing is called); a fetch node without one leaves by `failed`"),
  })
  .refine((b) => b.flowId !== undefined || b.graph !== undefined, { message: "Give flowId or graph", path: ["flowId"] })
  .meta({ id: "SimulateRequest" });
export type SimulateBody = z.infer<typeof SimulateBody>;

export const SimulateResult = z
  .object({
    why: z
      .object({ wouldEnter: z.boolean(), summary: z.string().describe('e.g. "would enter: no — re-entry: never"'), reasons: z.array(WhyReasonSchema) })
      .describe("Would this history let the user in, and if not, what stopped them (the same answer as GET /users/:userId/why)"),
    trace: z.array(z.object({ nodeId: z.string(), at: z.string(), result: z.string(), reason: z.record(z.string(), z.unknown()).optional(), runId: z.string(), entry: z.number(), entered: z.boolean() })),
    messages: z.array(z.record(z.string(), z.unknown())),
    converted: z.boolean(),
    entries: z.array(z.record(z.string(), z.unknown())),
    traits: z.record(z.string(), z.unknown()),
    until: z.string(),
    problems: z.array(z.string()),
  })
  .meta({ id: "SimulateResponse" });

export function runSimulation(db: Db, body: SimulateBody, start = Date.now()): Promise<Omit<SimulationResult, "runs">> {
  // A simulation renders like a request: within one rendering budget.
  return withRenderBudget(RENDER_BUDGET_MS, () => simulateFlow(db, body, start));
}

async function simulateFlow(db: Db, body: SimulateBody, start: number): Promise<Omit<SimulationResult, "runs">> {
  let graph: unknown = body.graph;
  let settings: unknown = body.settings;
  let flowId = "simulation";
  let flowName = "Simulation";
  if (graph === undefined && body.flowId) {
    // The draft: what the editor is about to publish.
    const flow = await getFlow(db, body.flowId);
    graph = flow.graph;
    settings = settings ?? flow.settings;
    flowId = flow.id;
    flowName = flow.name;
  } else if (body.flowId) flowId = body.flowId;
  const checked = checkFlow(graph, settings);
  if (!checked.ok) throw new ApiError(422, "invalid_flow", "The flow cannot be simulated: its graph or settings have the wrong shape", checked.details);
  const result = simulate(
    { graph: checked.graph, settings: checked.settings, flowId, flowName },
    {
      profile: { traits: body.profile.traits ?? {}, userId: body.profile.userId, group: body.profile.group ?? null },
      events: body.events.map((e) => ({ ...e, userId: e.userId ?? e.anonymousId })),
      until: body.until,
      start,
      policies: body.policies === undefined ? await getPolicies(db.sql) : body.policies,
      ...(body.fetch ? { fetch: body.fetch } : {}),
    },
  );
  const { runs: _runs, ...rest } = result;
  void _runs;
  return rest;
}
