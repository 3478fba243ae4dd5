// The executor's data: runs (stored by the runtime as JSON), inputs it reacts to, and the effects it asks
// the runtime to carry out. Everything here is plain JSON-serialisable data.
import type { Seen } from "@/lib/conditions/compile";

export type RunStatus = "active" | "waiting" | "completed" | "exited";

/** Where a waiting run is parked. `timerId` is unique per visit, so a timer from an earlier visit is stale. */
export type RunWait = {
  nodeId: string;
  kind: "for" | "until";
  /** When the timer fires (wait `for` elapsed, or the `until` timeout), epoch ms. */
  until?: number;
  timerId: string;
  /** When the run started waiting, epoch ms; events stamped earlier do not match a wait-until. */
  since: number;
  /** Set by a version migration to a node that is not a wait: the timer enters `nodeId` (visits it)
   *  instead of leaving it, so the run resumes in the new version from the worker, not at publish. */
  resume?: boolean;
};

/** The event that last moved the run: what Liquid sees as `event` in later nodes (after a wait, too). */
export type RunEvent = { name: string; properties: Record<string, unknown> };

export type Run = {
  id: string;
  flowId: string;
  versionId: string;
  version: number;
  profileId: string;
  /** 1-based: the how-many-th time this profile entered this flow. */
  entry: number;
  status: RunStatus;
  /** The current node (for an ended run: the node where it ended). */
  nodeId: string;
  /** The trigger node the run entered by. */
  triggerNodeId: string;
  /** In the control group: walks the flow, is counted, receives no message. */
  holdout: boolean;
  /** Set when the holdout comes from the workspace's global control group (docs/api.md §7), not the
   *  flow's own holdout. Absent in older states: they were the flow's own. */
  control?: "global";
  /** Split node id -> branch id; sticky for the life of the run. */
  variants: Record<string, string>;
  /** Node id -> how many times the run reached it (cycles through waits revisit nodes). */
  visits: Record<string, number>;
  wait?: RunWait;
  event?: RunEvent | null;
  enteredAt: number;
  convertedAt?: number;
  endedAt?: number;
  /** Why the run ended: "no_edge" | "exit_node" | "goal" | "step_limit" | "missing_node". */
  endReason?: string;
  /** Message nodes of this version the user already received in an earlier version (set by a version
   *  migration): the first time the run reaches one it is suppressed, so nobody gets a message twice. */
  received?: string[];
  /** The version and node the run was moved from by the latest migration. */
  migratedFrom?: { versionId: string; version: number; nodeId: string; at: number };
};

/** An incoming event as the engine sees it. `timestamp` (epoch ms) defaults to `now`. */
export type EngineEvent = { name: string; properties?: Record<string, unknown> | null; timestamp?: number };

/** What may let a user enter a flow (see triggers.ts). */
export type EntryInput =
  | { kind: "event"; event: EngineEvent }
  | { kind: "identify"; first: boolean; event?: EngineEvent }
  | { kind: "inactivity"; lastEventAt: number }
  /** The profile's traits changed (identify, import, a source, an update node, the engagement score):
   *  `before` is what they were; the profile context holds what they are now. */
  | { kind: "traits"; before: Record<string, unknown> };

/** What moves an existing run (see advance.ts). */
export type AdvanceInput =
  | { kind: "enter"; event?: EngineEvent | null }
  | { kind: "event"; event: EngineEvent }
  | { kind: "timer"; timerId: string };

export type StepReason = {
  /** Condition: the trait values / event counts / buckets the condition read. */
  seen?: Seen;
  /** Condition: `missing` went down `no` because the node has no `missing` edge. */
  fellBack?: "no";
  /** Split: the user's bucket in [0, 100), and whether the branch came from an earlier visit. */
  bucket?: number;
  sticky?: boolean;
  /** Wait: when the timer is due (ISO), or the event that matched. */
  due?: string;
  event?: string;
  /** Message: why nothing was delivered (holdout; a frequency cap that drops; received before a migration). */
  suppressed?: SuppressReason;
  /** Message: a policy moved the delivery later ("delayed" step): why, and when it goes out (ISO). */
  held?: HoldReason;
  deliverAt?: string;
  /** Message: the frequency cap that dropped or delayed it. */
  cap?: { channel: string; limit: number; window: string; action: string };
  /** Migration: where the run came from. */
  migratedFrom?: { version: number; nodeId: string };
  /** Message/update: a template failed; `usedFallback` says whether the fallback text went out. */
  error?: string;
  usedFallback?: boolean;
  /** Update: the traits that were set. */
  traits?: Record<string, unknown>;
  /** Trigger: what let the user in. */
  trigger?: string;
};

/** One node visit or one node outcome, recorded by the runtime as a Step row under `key`. */
export type StepEffect = {
  type: "step";
  runId: string;
  nodeId: string;
  nodeType: string;
  visit: number;
  /** True for the step that marks reaching the node (count "entered" from these); a wait node also
   *  gets a second step (entered: false) with how it was left. */
  entered: boolean;
  /** trigger: "next"; condition: "yes" | "no" | "missing"; split: the branch id; wait: "waiting", then
   *  "next" | "matched" | "timeout"; message: "sent" | "delayed" (a policy moved it to reason.deliverAt) |
   *  "suppressed" | "failed"; update: "updated";
   *  exit: "exited"; the step guard: "failed". */
  result: string;
  reason?: StepReason;
  /** Unique per run, node, visit and phase: insert-if-absent makes retries harmless. */
  key: string;
  at: number;
};

export type SuppressReason = "holdout" | "global_control" | "frequency_cap" | "already_received";
export type HoldReason = "quiet_hours" | "frequency_cap";

/** What a message node asks the send gate (workspace policies, see lib/policies). */
export type GateRequest = { channel: "in_app" | "webhook" | "email"; at: number; runId: string; flowId: string; nodeId: string };
export type GateDecision =
  | { action: "send"; at: number; held?: HoldReason; cap?: { channel: string; limit: number; window: string; action: string } }
  | { action: "drop"; reason: "frequency_cap"; cap?: { channel: string; limit: number; window: string; action: string } };
/** Decides each touchpoint's fate; a gate that lets one through counts it (it keeps its own counters). */
export type MessageGate = (req: GateRequest) => GateDecision;

/** Optional policy hooks of advance() and triggerEntries(); without them every message goes out now. */
export type AdvanceOptions = { gate?: MessageGate };

type MessageBase = {
  type: "message";
  runId: string;
  flowId: string;
  nodeId: string;
  visit: number;
  /** `${runId}:${nodeId}:${visit}`: the delivery idempotency key. */
  key: string;
  variants: Record<string, string>;
  /** Set when nothing may be delivered or shown: holdout runs, a cap that drops, a message already
   *  received before a migration. Record it, deliver nothing, show nothing. */
  suppressed?: SuppressReason;
  /** Deliver (or show, for in-app) no earlier than this, epoch ms: quiet hours or a delaying cap.
   *  Absent: deliver at `at`. */
  deliverAt?: number;
  /** A template failed and its fallback was used. */
  renderError?: string;
  at: number;
};
export type InAppMessageEffect = MessageBase & { channel: "in_app"; placement: string; content: string };
export type WebhookMessageEffect = MessageBase & {
  channel: "webhook";
  url: string;
  method: "POST" | "PUT" | "PATCH" | "GET" | "DELETE";
  headers: Record<string, string>;
  body?: string;
};
export type EmailMessageEffect = MessageBase & { channel: "email"; subject: string; body: string; to: string | null };
export type MessageEffect = InAppMessageEffect | WebhookMessageEffect | EmailMessageEffect;

export type Effect =
  | {
      type: "enter";
      runId: string;
      flowId: string;
      versionId: string;
      version: number;
      profileId: string;
      entry: number;
      triggerNodeId: string;
      holdout: boolean;
      at: number;
    }
  | StepEffect
  | MessageEffect
  /** Merge into the profile's traits (top-level names, as written in the update node). */
  | { type: "set_traits"; runId: string; nodeId: string; traits: Record<string, unknown>; at: number }
  /** Schedule: at `at` (epoch ms), call advance(flow, run, {kind:"timer", timerId}). */
  | { type: "timer"; runId: string; nodeId: string; timerId: string; at: number }
  | { type: "cancel_timer"; runId: string; timerId: string; at: number }
  | { type: "convert"; runId: string; flowId: string; nodeId: string; event: string; holdout: boolean; variants: Record<string, string>; at: number }
  | { type: "end"; runId: string; status: "completed" | "exited"; reason: string; nodeId: string; at: number };

export type AdvanceResult = {
  run: Run;
  effects: Effect[];
  /** Set when the input did nothing to the run, and why (e.g. "stale_timer", "ended"). */
  ignored?: string;
};
