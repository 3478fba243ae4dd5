// The pure executor: moves one run through its compiled flow until it waits or ends, and lists effects.
//
//   advance(flow, run, input, profile, now) => { run, effects, ignored? }
//   goalOpen(flow, run, now) => boolean     // may this run still convert? (ended runs included)
//   MAX_STEPS_PER_ADVANCE = 1000
//
// Inputs (types.ts):
//   {kind:"enter", event?}    a fresh run at its trigger node (triggerEntries calls this for you)
//   {kind:"event", event}     an event of the run's profile: checks the goal, then a wait-until match.
//                             Call it for every run of the profile that is active/waiting, and for
//                             ended runs while goalOpen() (a conversion after the last message counts).
//   {kind:"timer", timerId}   a timer the runtime scheduled: a wait `for` elapsed or an until-timeout.
//                             A timerId that is not the run's current one is stale and ignored.
// The profile context must already include the event (traits updated, summary updated).
//
// Node semantics (docs/api.md §5):
//   condition  yes / no / missing handle; `missing` without a missing edge goes down `no`.
//   split      bucket(flowId, splitNodeId, userId ?? profileId) over the weights; sticky in run.variants.
//   wait for   timer at now + duration; the timer's arrival leaves by `next`.
//   wait until an event named `until.event` passing `where`, stamped at or after the wait began,
//              leaves by `matched` (and cancels the timer); else the timeout timer leaves by `timeout`.
//   message    a message effect, rendered with Liquid; key `${runId}:${nodeId}:${visit}`. Holdout runs
//              get the effect with `suppressed: "holdout"` (rendered for the record, never delivered).
//              A template that fails uses the node's `fallback`; without one nothing is sent and the
//              step result is "failed" (the run goes on).
//   update     set_traits effect (string values rendered with Liquid; a failing one is skipped and
//              noted); later nodes of the same walk see the new traits. Holdout runs update too:
//              only messages are withheld from them.
//              With a send gate (opts.gate, workspace policies) a message may instead be "delayed"
//              (effect.deliverAt and reason.held/deliverAt: quiet hours, a delaying cap) or
//              "suppressed" (reason.suppressed "frequency_cap"); the run goes on either way. A node in
//              run.received (delivered before a version migration) is suppressed once ("already_received").
//   exit       the run ends with status "exited".
//   a handle with no edge ends the run with status "completed".
// Goal: the first matching event stamped within `goal.within` of entry converts the run (convert
// effect); with exitOnGoal an active/waiting run then ends "exited" (reason "goal"), cancelling its
// timer. The event that lets a user enter never counts as their goal.
// A walk that passes more than MAX_STEPS_PER_ADVANCE nodes is stopped: a "failed" step, run exited.
import type { ProfileContext } from "@/lib/conditions/compile";
import { liquidContext, renderTemplate, type LiquidContext } from "@/lib/liquid/render";
import { nextNode, type CompiledFlow, type CompiledNode } from "./compile-flow";
import { bucket, pickBranch } from "./hash";
import type { AdvanceInput, AdvanceOptions, AdvanceResult, Effect, EngineEvent, MessageEffect, Run, RunEvent, StepEffect, StepReason } from "./types";
import { dict, own, setOwn } from "@/lib/dict";

export const MAX_STEPS_PER_ADVANCE = 1000;

/** May this run still record a conversion at `now`? */
export function goalOpen(flow: CompiledFlow, run: Run, now: number): boolean {
  if (!flow.goal || run.convertedAt !== undefined) return false;
  return flow.goal.withinMs === null || now <= run.enteredAt + flow.goal.withinMs;
}

function cloneRun(run: Run): Run {
  return {
    ...run,
    // Keyed by node ids the flow's author chose: no prototype, so "constructor" reads nothing.
    variants: dict(run.variants),
    visits: dict(run.visits),
    wait: run.wait ? { ...run.wait } : undefined,
    ...(run.received ? { received: [...run.received] } : {}),
  };
}

function toRunEvent(e: EngineEvent): RunEvent {
  return { name: e.name, properties: e.properties ?? {} };
}

/** Mutable state of one advance call. */
class Walk {
  effects: Effect[] = [];
  traits: Record<string, unknown>;
  private traitsCopied = false;
  private liquid: LiquidContext | null = null;
  steps = 0;

  constructor(
    readonly flow: CompiledFlow,
    readonly run: Run,
    readonly profile: ProfileContext,
    readonly now: number,
    readonly opts: AdvanceOptions = {},
  ) {
    this.traits = profile.traits;
  }

  get ctx(): ProfileContext {
    return { ...this.profile, traits: this.traits, variants: this.run.variants, now: this.now };
  }

  liquidCtx(): LiquidContext {
    if (!this.liquid) {
      this.liquid = liquidContext({
        traits: this.traits,
        userId: this.profile.userId,
        event: this.run.event ?? null,
        flow: { id: this.flow.flowId, name: this.flow.flowName },
        group: this.profile.group,
        recommendations: this.profile.recommendations,
      });
    }
    return this.liquid;
  }

  setTraits(values: Record<string, unknown>) {
    if (!this.traitsCopied) {
      this.traits = dict(this.traits);
      this.traitsCopied = true;
    }
    Object.assign(this.traits, values);
    this.liquid = null;
  }

  step(node: { id: string; type: string }, entered: boolean, result: string, reason?: StepReason) {
    const visit = this.run.visits[node.id] ?? 0;
    const key = entered ? `${this.run.id}:${node.id}:${visit}` : `${this.run.id}:${node.id}:${visit}:${result}`;
    const effect: StepEffect = { type: "step", runId: this.run.id, nodeId: node.id, nodeType: node.type, visit, entered, result, key, at: this.now };
    if (reason) effect.reason = reason;
    this.effects.push(effect);
  }

  end(status: "completed" | "exited", reason: string, nodeId: string) {
    const r = this.run;
    if (r.wait) {
      this.effects.push({ type: "cancel_timer", runId: r.id, timerId: r.wait.timerId, at: this.now });
      r.wait = undefined;
    }
    r.status = status;
    r.nodeId = nodeId;
    r.endedAt = this.now;
    r.endReason = reason;
    this.effects.push({ type: "end", runId: r.id, status, reason, nodeId, at: this.now });
  }

  /** Follows `handle` out of `fromId` and walks until a wait or the end. */
  follow(fromId: string, handle: string) {
    this.walkFrom(nextNode(this.flow, fromId, handle), fromId);
  }

  /** Visits `target` (reached from `from`) and walks on until a wait or the end. */
  walkFrom(target: string | undefined, from: string) {
    while (true) {
      if (target === undefined) {
        this.end("completed", "no_edge", from);
        return;
      }
      if (++this.steps > MAX_STEPS_PER_ADVANCE) {
        this.step({ id: target, type: this.flow.nodes.get(target)?.type ?? "unknown" }, false, "failed", {
          error: `Stopped after ${MAX_STEPS_PER_ADVANCE} steps without reaching a wait`,
        });
        this.end("exited", "step_limit", target);
        return;
      }
      const node = this.flow.nodes.get(target);
      if (!node) {
        this.end("exited", "missing_node", from);
        return;
      }
      this.run.nodeId = node.id;
      this.run.visits[node.id] = (this.run.visits[node.id] ?? 0) + 1;
      const out = this.visit(node);
      if (out === null) return; // waiting or ended
      from = node.id;
      target = nextNode(this.flow, node.id, out);
    }
  }

  /** Runs one node; returns the handle to leave by, or null when the walk stops here. */
  private visit(node: CompiledNode): string | null {
    switch (node.type) {
      case "trigger":
        // Only reached by an edge into a trigger (a draft problem): pass through.
        this.step(node, true, "next");
        return "next";
      case "condition": {
        const ctx = this.ctx;
        const outcome = node.condition(ctx);
        const reason: StepReason = { seen: node.condition.explain(ctx) };
        let handle: string = outcome;
        if (outcome === "missing" && nextNode(this.flow, node.id, "missing") === undefined) {
          handle = "no";
          reason.fellBack = "no";
        }
        this.step(node, true, outcome, reason);
        return handle;
      }
      case "split": {
        const prior = own(this.run.variants, node.id);
        const position = bucket(this.flow.flowId, node.id, this.profile.userId ?? this.profile.profileId);
        let branch = prior !== undefined && node.branches.some((b) => b.id === prior) ? prior : undefined;
        const sticky = branch !== undefined;
        if (branch === undefined) {
          branch = pickBranch(node.branches, position).id;
          setOwn(this.run.variants, node.id, branch);
        }
        this.step(node, true, branch, { bucket: Math.round(position * 1000) / 1000, sticky });
        return branch;
      }
      case "wait": {
        const visit = this.run.visits[node.id];
        const ms = node.kind === "for" ? node.ms : node.timeoutMs;
        const due = this.now + ms;
        const timerId = `${this.run.id}:${node.id}:${visit}`;
        this.run.status = "waiting";
        this.run.wait = { nodeId: node.id, kind: node.kind, until: due, timerId, since: this.now };
        this.step(node, true, "waiting", { due: new Date(due).toISOString() });
        this.effects.push({ type: "timer", runId: this.run.id, nodeId: node.id, timerId, at: due });
        return null;
      }
      case "message":
        return this.message(node);
      case "update": {
        const set: Record<string, unknown> = dict();
        const errors: string[] = [];
        for (const [name, value] of Object.entries(node.set)) {
          if (typeof value === "string") {
            const r = renderTemplate(value, this.liquidCtx());
            if (r.ok) set[name] = r.output;
            else errors.push(`${name}: ${r.error}`);
          } else set[name] = value;
        }
        this.setTraits(set);
        this.effects.push({ type: "set_traits", runId: this.run.id, nodeId: node.id, traits: set, at: this.now });
        const reason: StepReason = { traits: set };
        if (errors.length) reason.error = errors.join("; ");
        this.step(node, true, "updated", reason);
        return "next";
      }
      case "exit":
        this.step(node, true, "exited");
        this.end("exited", "exit_node", node.id);
        return null;
      case "invalid":
        this.step({ id: node.id, type: node.nodeType }, true, "failed", { error: node.problem });
        this.end("exited", "invalid_node", node.id);
        return null;
    }
  }

  private message(node: Extract<CompiledNode, { type: "message" }>): string {
    const data = node.data;
    const visit = this.run.visits[node.id];
    const ctx = this.liquidCtx();
    const errors: string[] = [];
    let fatal: string | null = null;
    // A field that fails uses the fallback when the node has one; a field with no sensible fallback
    // (url, recipient, headers) or a node without fallback means nothing is sent.
    const field = (template: string, allowFallback: boolean): string => {
      const r = renderTemplate(template, ctx);
      if (r.ok) return r.output;
      errors.push(r.error);
      if (allowFallback && data.fallback !== undefined) return data.fallback;
      fatal ??= r.error;
      return "";
    };
    const base = {
      type: "message" as const,
      runId: this.run.id,
      flowId: this.flow.flowId,
      nodeId: node.id,
      visit,
      key: `${this.run.id}:${node.id}:${visit}`,
      variants: { ...this.run.variants },
      at: this.now,
    };
    let effect: MessageEffect;
    if (data.channel === "in_app") {
      effect = { ...base, channel: "in_app", placement: data.placement, content: field(data.content, true) };
    } else if (data.channel === "webhook") {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(data.headers ?? {})) headers[k] = field(v, false);
      effect = { ...base, channel: "webhook", url: field(data.url, false), method: data.method ?? "POST", headers };
      if (data.body !== undefined) effect.body = field(data.body, true);
    } else {
      const fallbackTo = typeof this.traits.email === "string" ? this.traits.email : null;
      effect = {
        ...base,
        channel: "email",
        subject: field(data.subject, true),
        body: field(data.body, true),
        to: data.to !== undefined ? field(data.to, false) || null : fallbackTo,
      };
    }
    if (fatal !== null) {
      this.step(node, true, "failed", { error: fatal, usedFallback: false });
      return "next";
    }
    if (errors.length) effect.renderError = errors[0];
    const reason: StepReason = {};
    if (errors.length) {
      reason.error = errors[0];
      reason.usedFallback = true;
    }
    let result = "sent";
    const received = this.run.received?.indexOf(node.id) ?? -1;
    if (this.run.holdout) {
      const why = this.run.control === "global" ? "global_control" : "holdout";
      effect.suppressed = why;
      reason.suppressed = why;
      result = "suppressed";
    } else if (received >= 0) {
      // Delivered before a version migration: suppress this one reach (a later lap of a cycle sends).
      this.run.received!.splice(received, 1);
      effect.suppressed = "already_received";
      reason.suppressed = "already_received";
      result = "suppressed";
    } else if (this.opts.gate) {
      const d = this.opts.gate({ channel: effect.channel, at: this.now, runId: this.run.id, flowId: this.flow.flowId, nodeId: node.id });
      if (d.cap) reason.cap = d.cap;
      if (d.action === "drop") {
        effect.suppressed = "frequency_cap";
        reason.suppressed = "frequency_cap";
        result = "suppressed";
      } else if (d.at > this.now) {
        effect.deliverAt = d.at;
        reason.held = d.held ?? "quiet_hours";
        reason.deliverAt = new Date(d.at).toISOString();
        result = "delayed";
      }
    }
    this.effects.push(effect);
    this.step(node, true, result, Object.keys(reason).length ? reason : undefined);
    return "next";
  }
}

export function advance(flow: CompiledFlow, run: Run, input: AdvanceInput, profile: ProfileContext, now: number, opts: AdvanceOptions = {}): AdvanceResult {
  const ended = run.status === "completed" || run.status === "exited";
  if (input.kind === "timer") {
    if (ended || !run.wait || run.wait.timerId !== input.timerId) return { run, effects: [], ignored: "stale_timer" };
    const w = new Walk(flow, cloneRun(run), profile, now, opts);
    const r = w.run;
    if (r.wait!.resume) {
      // A migration parked the run in front of this node: enter it now.
      r.wait = undefined;
      r.status = "active";
      w.walkFrom(r.nodeId, r.nodeId);
      return { run: r, effects: w.effects };
    }
    const waitNode = flow.nodes.get(r.wait!.nodeId);
    const handle = r.wait!.kind === "for" ? "next" : "timeout";
    r.wait = undefined;
    r.status = "active";
    w.step({ id: r.nodeId, type: waitNode?.type ?? "wait" }, false, handle);
    w.follow(r.nodeId, handle);
    return { run: r, effects: w.effects };
  }

  if (input.kind === "enter") {
    const w = new Walk(flow, cloneRun(run), profile, now, opts);
    const r = w.run;
    if (input.event) r.event = toRunEvent(input.event);
    r.status = "active";
    r.visits[r.nodeId] = (r.visits[r.nodeId] ?? 0) + 1;
    const trigger = flow.nodes.get(r.nodeId);
    const kind = trigger?.type === "trigger" ? trigger.trigger.kind : "unknown";
    w.step({ id: r.nodeId, type: "trigger" }, true, "next", { trigger: input.event ? `${kind}: ${input.event.name}` : kind });
    w.follow(r.nodeId, "next");
    return { run: r, effects: w.effects };
  }

  // An event.
  const event = input.event;
  const at = event.timestamp ?? now;
  const effects: Effect[] = [];
  let r = run;
  const goal = flow.goal;
  if (goal && r.convertedAt === undefined && event.name === goal.event && at >= r.enteredAt && goalOpen(flow, r, at) && goal.where(event.properties)) {
    r = cloneRun(r);
    r.convertedAt = at;
    effects.push({ type: "convert", runId: r.id, flowId: flow.flowId, nodeId: r.nodeId, event: event.name, holdout: r.holdout, variants: { ...r.variants }, at: now });
    if (flow.settings.exitOnGoal && !ended) {
      const w = new Walk(flow, r, profile, now, opts);
      w.end("exited", "goal", r.nodeId);
      return { run: w.run, effects: [...effects, ...w.effects] };
    }
  }
  if (ended) return effects.length ? { run: r, effects } : { run, effects, ignored: "ended" };

  const wait = r.wait;
  const node = wait ? flow.nodes.get(wait.nodeId) : undefined;
  if (r.status === "waiting" && wait && node?.type === "wait" && node.kind === "until" && event.name === node.event && at >= wait.since && node.where(event.properties)) {
    const w = new Walk(flow, r === run ? cloneRun(r) : r, profile, now, opts);
    const wr = w.run;
    w.effects.push(...effects);
    w.effects.push({ type: "cancel_timer", runId: wr.id, timerId: wait.timerId, at: now });
    wr.wait = undefined;
    wr.status = "active";
    wr.event = toRunEvent(event);
    w.step(node, false, "matched", { event: event.name });
    w.follow(node.id, "matched");
    return { run: wr, effects: w.effects };
  }
  return effects.length ? { run: r, effects } : { run, effects, ignored: "no_match" };
}
