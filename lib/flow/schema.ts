// The flow document (docs/api.md §5) as zod schemas: the single source of the shape for the API, the
// TypeScript types, the OpenAPI document and the canvas inspector.
import { z } from "zod";
import { isDuration } from "@/lib/conditions/duration";

export const SCHEMA_VERSION = 1;

export const Duration = z
  .string()
  .refine(isDuration, { message: "Expected an ISO 8601 duration such as PT30S, PT24H or P7D" })
  .meta({ id: "Duration", description: "ISO 8601 duration (PT30S, PT24H, P7D)", examples: ["P7D"] });
export type Duration = z.infer<typeof Duration>;

export const OPS = ["eq", "neq", "gt", "gte", "lt", "lte", "in", "nin", "contains", "starts_with", "exists", "not_exists"] as const;
export const Op = z.enum(OPS).meta({ id: "Op" });
export type Op = z.infer<typeof Op>;

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const Value = z.union([Scalar, z.array(Scalar)]).meta({ id: "Value" });
export type Value = z.infer<typeof Value>;

export const Predicate = z
  .object({
    property: z.string().min(1),
    op: Op,
    value: Value.optional(),
  })
  .meta({ id: "Predicate" });
export type Predicate = z.infer<typeof Predicate>;

export const Count = z
  .object({ eq: z.number().optional(), neq: z.number().optional(), gt: z.number().optional(), gte: z.number().optional(), lt: z.number().optional(), lte: z.number().optional() })
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: "count needs at least one of eq, neq, gt, gte, lt, lte" })
  .meta({ id: "Count" });
export type Count = z.infer<typeof Count>;

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { trait: string; op: Op; value?: Value }
  | { event: string; where?: Predicate[]; within?: string; count?: Count }
  | { variant: { node: string; branch: string } }
  | { data: string; op: Op; value?: Value };

export const Condition: z.ZodType<Condition> = z
  .lazy(() =>
    z.union([
      z.strictObject({ all: z.array(Condition) }),
      z.strictObject({ any: z.array(Condition) }),
      z.strictObject({ not: Condition }),
      z.strictObject({ trait: z.string().min(1), op: Op, value: Value.optional() }),
      z.strictObject({ event: z.string().min(1), where: z.array(Predicate).optional(), within: Duration.optional(), count: Count.optional() }),
      z.strictObject({ variant: z.strictObject({ node: z.string().min(1), branch: z.string().min(1) }) }),
      // A fetch node's answer: "<as>.<path>" (docs/api.md §5 fetch).
      z.strictObject({ data: z.string().min(1), op: Op, value: Value.optional() }),
    ]),
  )
  .meta({ id: "Condition" });

export const On = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("event"), event: z.string().min(1), where: z.array(Predicate).optional() }),
    z.object({
      type: z.literal("behavior"),
      event: z.string().min(1),
      where: z.array(Predicate).optional(),
      count: z.object({ gte: z.number().int().min(1) }),
      within: Duration,
    }),
    z.object({ type: z.literal("inactivity"), after: Duration }),
    z.object({ type: z.literal("identify") }),
    // docs/api.md §5: entered when the trait starts to satisfy the test, whatever changed it.
    z.object({ type: z.literal("trait"), trait: z.string().min(1), op: Op, value: Value.optional() }),
  ])
  .meta({ id: "On" });
export type On = z.infer<typeof On>;

export const TriggerData = z.object({ on: On }).meta({ id: "TriggerData" });
export const ConditionData = z.object({ if: Condition }).meta({ id: "ConditionData" });
export const Branch = z.object({
  id: z.string().min(1),
  weight: z.number().min(0).max(100),
  label: z.string().optional(),
});
export const SplitData = z.object({ branches: z.array(Branch).min(1) }).meta({ id: "SplitData" });
export const WaitData = z
  .union([
    z.strictObject({ for: Duration }),
    z.strictObject({
      until: z.object({ event: z.string().min(1), where: z.array(Predicate).optional() }),
      timeout: Duration,
    }),
  ])
  .meta({ id: "WaitData" });
export const InAppMessage = z.object({
  channel: z.literal("in_app"),
  placement: z.string().min(1),
  content: z.string(),
  fallback: z.string().optional(),
});
export const WebhookMessage = z.object({
  channel: z.literal("webhook"),
  url: z.string().min(1),
  method: z.enum(["POST", "PUT", "PATCH", "GET", "DELETE"]).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  fallback: z.string().optional(),
});
export const EmailMessage = z.object({
  channel: z.literal("email"),
  subject: z.string(),
  body: z.string(),
  to: z.string().optional(),
  fallback: z.string().optional(),
});
export const MessageData = z.discriminatedUnion("channel", [InAppMessage, WebhookMessage, EmailMessage]).meta({ id: "MessageData" });
export const UpdateData = z
  .object({ set: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())])) })
  .meta({ id: "UpdateData" });
export const ExitData = z.object({}).meta({ id: "ExitData" });

/** The longest a fetch node may wait for an answer (docs/api.md §5 fetch). */
export const FETCH_MAX_TIMEOUT = "PT10S";
export const FETCH_DEFAULT_TIMEOUT = "PT5S";
export const FETCH_AS_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const FetchData = z
  .object({
    url: z.string().min(1).describe("Liquid template of an http(s) URL"),
    method: z.enum(["GET", "POST"]).optional(),
    headers: z.record(z.string(), z.string()).optional().describe("Header values may be Liquid"),
    body: z.string().optional().describe("Liquid template sent with POST"),
    as: z.string().regex(FETCH_AS_PATTERN, "A name of letters, digits and _ (read as data.<as>)").max(64),
    timeout: Duration.optional().describe("At most PT10S; default PT5S"),
    cacheFor: Duration.optional().describe("Keep answers per rendered request this long; absent: no cache"),
  })
  .meta({ id: "FetchData" });
export type FetchDataT = z.infer<typeof FetchData>;

export const NODE_DATA = {
  trigger: TriggerData,
  condition: ConditionData,
  split: SplitData,
  wait: WaitData,
  message: MessageData,
  update: UpdateData,
  exit: ExitData,
  fetch: FetchData,
} as const;
export const NODE_TYPES = Object.keys(NODE_DATA) as NodeType[];
export type NodeType = keyof typeof NODE_DATA;

export const Position = z.object({ x: z.number(), y: z.number() });

const nodeOf = <T extends NodeType>(type: T) =>
  z.object({
    id: z.string().min(1),
    type: z.literal(type),
    position: Position.optional(),
    /** The name people see on the canvas, in results and in test cases. */
    label: z.string().max(200).optional(),
    data: NODE_DATA[type] as (typeof NODE_DATA)[T],
  });

export const FlowNode = z
  .discriminatedUnion("type", [
    nodeOf("trigger"),
    nodeOf("condition"),
    nodeOf("split"),
    nodeOf("wait"),
    nodeOf("message"),
    nodeOf("update"),
    nodeOf("exit"),
    nodeOf("fetch"),
  ])
  .meta({ id: "FlowNode" });
export type FlowNode = z.infer<typeof FlowNode>;
export type NodeOf<T extends NodeType> = Extract<FlowNode, { type: T }>;
export type TriggerNode = NodeOf<"trigger">;
export type ConditionNode = NodeOf<"condition">;
export type SplitNode = NodeOf<"split">;
export type WaitNode = NodeOf<"wait">;
export type MessageNode = NodeOf<"message">;
export type UpdateNode = NodeOf<"update">;
export type ExitNode = NodeOf<"exit">;
export type FetchNode = NodeOf<"fetch">;
export type MessageDataT = z.infer<typeof MessageData>;
/** A node's type with its data, correlated: what a handle, a summary or the canvas needs of a node. */
export type NodeBody = { [T in NodeType]: { type: T; data: NodeOf<T>["data"] } }[NodeType];

export const FlowEdge = z
  .object({
    id: z.string().min(1),
    source: z.string().min(1),
    target: z.string().min(1),
    sourceHandle: z.string().nullable().optional(),
  })
  .meta({ id: "FlowEdge" });
export type FlowEdge = z.infer<typeof FlowEdge>;

export const Graph = z.object({ nodes: z.array(FlowNode), edges: z.array(FlowEdge) }).meta({ id: "Graph" });
export type Graph = z.infer<typeof Graph>;

export const Reentry = z.union([z.literal("never"), z.literal("always"), Duration]);

export const Goal = z
  .object({ event: z.string().min(1), where: z.array(Predicate).optional(), within: Duration.optional() })
  .meta({ id: "Goal" });
export type Goal = z.infer<typeof Goal>;

export const Settings = z
  .object({
    goal: Goal.nullable().optional(),
    exitOnGoal: z.boolean().default(false),
    reentry: Reentry.default("never"),
    rollout: z.number().min(0).max(100).default(100),
    holdout: z.number().min(0).max(100).default(0),
    priority: z.number().int().min(0).max(100).default(0).describe("Higher wins when two flows show the same placement"),
  })
  .meta({ id: "Settings" });
export type Settings = z.infer<typeof Settings>;
export type SettingsInput = z.input<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = Settings.parse({});

/** The handles an edge may leave a node by. */
export function handlesOf(node: NodeBody): string[] {
  switch (node.type) {
    case "trigger":
    case "message":
    case "update":
      return ["next"];
    case "condition":
      return ["yes", "no", "missing"];
    case "split":
      return node.data.branches.map((b) => b.id);
    case "wait":
      return "for" in node.data ? ["next"] : ["matched", "timeout"];
    case "fetch":
      return ["next", "failed"];
    case "exit":
      return [];
  }
}

/** An edge's handle: an edge with no sourceHandle leaves from `next`. */
export function handleOf(edge: FlowEdge): string {
  return edge.sourceHandle ?? "next";
}

// ---- API bodies -------------------------------------------------------------------------------

export const FlowName = z.string().trim().min(1, "A flow needs a name").max(200);

export const FlowCreateBody = z
  .object({
    name: FlowName,
    graph: z.unknown().optional(),
    settings: z.unknown().optional(),
    description: z.string().max(2000).optional(),
  })
  .meta({ id: "FlowCreateBody" });

export const FlowUpdateBody = z
  .object({
    name: FlowName.optional(),
    graph: z.unknown().optional(),
    settings: z.unknown().optional(),
    description: z.string().max(2000).optional(),
  })
  .meta({ id: "FlowUpdateBody" });

export const Problem = z
  .object({ code: z.string(), message: z.string(), nodeId: z.string().optional(), edgeId: z.string().optional() })
  .meta({ id: "Problem" });
export type Problem = z.infer<typeof Problem>;

export const FlowStatus = z.enum(["draft", "active", "paused"]);
export type FlowStatus = z.infer<typeof FlowStatus>;

export const FlowDocument = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    status: FlowStatus,
    version: z.number().int(),
    graph: Graph,
    settings: Settings,
    problems: z.array(Problem),
    createdAt: z.string(),
    updatedAt: z.string(),
    publishedAt: z.string().nullable(),
    hasUnpublishedChanges: z.boolean(),
    /** The published version new users enter (null before the first publish). */
    activeVersionId: z.string().nullable().optional(),
  })
  .meta({ id: "Flow" });
export type FlowDocument = z.infer<typeof FlowDocument>;

export const FlowSummary = z
  .object({ id: z.string(), name: z.string(), description: z.string().nullable().optional(), status: FlowStatus, version: z.number().int(), createdAt: z.string().optional(), updatedAt: z.string() })
  .meta({ id: "FlowSummary" });
