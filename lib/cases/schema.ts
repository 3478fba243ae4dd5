// Flow test cases: the zod shapes of a saved sandbox scenario and its expectations, and of a run's result.
import { z } from "zod";
import { Duration } from "@/lib/flow/schema";

/** A case may hold at most this many events (its timeline and its past events together). */
export const MAX_CASE_EVENTS = 1000;
/** A flow may hold at most this many cases. */
export const MAX_CASES = 200;

const Props = z.record(z.string(), z.unknown());

export const CaseEvent = z
  .object({
    at: Duration.describe("Offset from the start of the case"),
    type: z.enum(["track", "identify", "page"]),
    event: z.string().min(1).max(200).optional(),
    name: z.string().max(200).optional(),
    properties: Props.optional(),
    traits: Props.optional(),
  })
  .refine((e) => e.type !== "track" || e.event !== undefined, { message: "A track event needs `event`", path: ["event"] })
  .meta({ id: "TestCaseEvent" });
export type CaseEvent = z.infer<typeof CaseEvent>;

export const PastEvent = z
  .object({ ago: Duration.describe("How long before the start of the case it happened"), event: z.string().min(1).max(200), properties: Props.optional() })
  .meta({ id: "TestCasePastEvent" });
export type PastEvent = z.infer<typeof PastEvent>;

/** A step is named by its label (as on the canvas), or by its node id when it has none. */
const StepRef = z.string().min(1).max(200);

export const MessageExpectation = z
  .object({
    step: StepRef.optional().describe("The message step (label or node id); absent: any message"),
    channel: z.enum(["in_app", "email", "webhook"]).optional(),
    contains: z.string().max(2000).optional().describe("Text the rendered content (email: subject or body; webhook: body or URL) contains"),
  })
  .meta({ id: "MessageExpectation" });
export type MessageExpectation = z.infer<typeof MessageExpectation>;

export const Expectations = z
  .object({
    enters: z.boolean().optional().describe("Enters the flow (true) or does not (false)"),
    steps: z.array(StepRef).max(500).optional().describe("Steps the user passes, in this order (others may come between)"),
    messages: z.array(MessageExpectation).max(100).optional(),
    converts: z.boolean().optional(),
    variant: z.object({ step: StepRef, branch: z.string().min(1).max(200) }).optional().describe("Lands in this branch (id or label) of this split"),
  })
  .meta({ id: "TestCaseExpectations" });
export type Expectations = z.infer<typeof Expectations>;

export const TestCase = z
  .object({
    name: z.string().trim().min(1, "A case needs a name").max(200),
    description: z.string().max(2000).optional(),
    profile: z
      .object({
        userId: z.string().min(1).max(200).optional(),
        traits: Props.optional(),
        groupTraits: Props.optional().describe("The traits of the user's group, read as group.<trait>"),
        pastEvents: z.array(PastEvent).optional(),
      })
      .default({}),
    events: z.array(CaseEvent).default([]),
    until: Duration.optional().describe("Where virtual time stops; default: after every wait of the flow"),
    variants: z.record(StepRef, z.string().min(1).max(200)).optional().describe("Forced buckets: split step → branch (id or label)"),
    expect: Expectations.default({}),
  })
  .superRefine((c, ctx) => {
    const total = c.events.length + (c.profile.pastEvents?.length ?? 0);
    if (total > MAX_CASE_EVENTS) ctx.addIssue({ code: "custom", path: ["events"], message: `A case holds at most ${MAX_CASE_EVENTS} events (this one has ${total})` });
  })
  .meta({ id: "TestCase" });
export type TestCase = z.infer<typeof TestCase>;
export type TestCaseInput = z.input<typeof TestCase>;

export const TestSuiteBody = z
  .object({ cases: z.array(TestCase).max(MAX_CASES) })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.cases.forEach((c, i) => {
      if (seen.has(c.name)) ctx.addIssue({ code: "custom", path: ["cases", i, "name"], message: `Two cases are named "${c.name}"` });
      seen.add(c.name);
    });
  })
  .meta({ id: "TestSuite" });

export const TestSuite = z
  .object({
    flowId: z.string(),
    cases: z.array(TestCase),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
    notes: z.array(z.string()).describe("What was changed on save, e.g. events sorted into time order"),
  })
  .meta({ id: "TestSuiteDocument" });

export const CaseStep = z.object({ nodeId: z.string(), label: z.string(), at: z.string(), result: z.string() });
export const CaseMessage = z.object({
  step: z.string(),
  nodeId: z.string(),
  channel: z.string(),
  at: z.string(),
  text: z.string().describe("The rendered content (in-app), subject and body (email), or URL and body (webhook)"),
  suppressed: z.string().optional(),
});

export const CaseResult = z
  .object({
    name: z.string(),
    passed: z.boolean(),
    path: z.array(z.string()).describe("The steps the user passed, by label (node id when unlabelled), in order"),
    messages: z.array(CaseMessage),
    failures: z.array(z.string()),
    entered: z.boolean(),
    converted: z.boolean(),
    variants: z.record(z.string(), z.string()),
    steps: z.array(CaseStep).describe("Every step with its node id, time and result"),
    unreached: z.array(z.string()).describe("Node ids the case expects to pass but no longer reaches"),
    notes: z.array(z.string()),
  })
  .meta({ id: "TestCaseResult" });
export type CaseResult = z.infer<typeof CaseResult>;

export const TestRunResult = z
  .object({ passed: z.number().int(), failed: z.number().int(), results: z.array(CaseResult) })
  .meta({ id: "TestRunResult" });
export type TestRunResult = z.infer<typeof TestRunResult>;
