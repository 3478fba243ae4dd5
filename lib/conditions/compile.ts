// Compiles the Condition language (docs/api.md §5) once into plain closures evaluated per user.
//
// API
//   compileCondition(c: Condition): CompiledCondition      // (ctx: ProfileContext) => "yes" | "no" | "missing"
//     .explain(ctx): Seen                                  // the values the condition read, for step reasons
//     .traits: string[]                                    // trait names it reads
//   compileWhere(where?: Predicate[]): (props) => boolean   // every predicate holds (empty list: true)
//   compileCount(count?: Count): (n: number) => boolean     // every given bound holds (absent: n >= 1)
//   type ProfileContext                                     // what an evaluation sees
//
// Outcomes and absent data (the condition node's `missing` handle):
//   - A trait rule reads `missing` when the trait is absent (undefined or null) and its op is anything
//     but `exists` / `not_exists` (those two ask about presence, so they answer yes/no).
//   - Event rules never read `missing`: having no matching events is an answer (count 0), not a gap.
//   - A variant rule is `no` when the run has not passed that split.
//   - not: yes <-> no; missing stays missing (not knowing the trait, we don't know its negation).
//   - all: `no` if any child is `no` (a definite no decides, even next to a gap); else `missing` if any
//     child is missing; else `yes`. An empty all is `yes`.
//   - any: `yes` if any child is `yes`; else `missing` if any child is missing; else `no`. Empty: `no`.
//   Children are evaluated in order and short-circuit on the deciding answer.
//   The engine sends `missing` down the `missing` edge, or down `no` when the node has no such edge.
// Event rules count occurrences in the profile's event summary with timestamps in [now - within, now]
// (no `within`: everything kept; see summary.ts for the bounds), filtered by `where`.
// Value comparison rules are documented in values.ts.
import type { Condition, Count, Predicate } from "@/lib/flow/schema";
import { parseDuration } from "./duration";
import { countEvents, type EventSummary, type SummaryProps } from "./summary";
import { compileOp, compilePath, type ValueTest } from "./values";
import { dict, own } from "@/lib/dict";

export type Outcome = "yes" | "no" | "missing";

export type ProfileContext = {
  userId?: string;
  profileId: string;
  /** Current traits; may contain nested objects, read by dotted names. */
  traits: Record<string, unknown>;
  /** The traits of the profile's current group plus its `id`; `group.<name>` trait rules read here. */
  group?: Record<string, unknown> | null;
  /** Recommendation lists loaded for the flows' templates (docs/api.md §9); a list not here reads as []. */
  recommendations?: Record<string, readonly unknown[]>;
  summary: EventSummary;
  /** The run's split buckets: split node id -> branch id. */
  variants?: Record<string, string>;
  /** Evaluation time, epoch ms. Never read from the clock inside the core. */
  now: number;
};

export type Seen = { traits?: Record<string, unknown>; events?: Record<string, number>; variants?: Record<string, string | null> };

export type CompiledCondition = ((ctx: ProfileContext) => Outcome) & {
  explain: (ctx: ProfileContext) => Seen;
  traits: string[];
};

export type PropsTest = ((props: Record<string, unknown> | SummaryProps | null | undefined) => boolean) & {
  /** The first predicate that fails, with the value it read; null when all hold. Same closures as the test. */
  explain: (props: Record<string, unknown> | SummaryProps | null | undefined) => WhereFailure | null;
};

/** Why a `where` did not hold: which predicate (by index) and the value it saw (undefined: absent). */
export type WhereFailure = { index: number; predicate: Predicate; value: unknown };

type Eval = (ctx: ProfileContext) => Outcome;
type Leaf =
  | { kind: "trait"; name: string; read: (ctx: ProfileContext) => unknown }
  | { kind: "event"; label: string; count: (ctx: ProfileContext) => number }
  | { kind: "variant"; node: string };

const ALWAYS: PropsTest = Object.assign(() => true, { explain: () => null });

/** Every predicate holds against a property bag (event properties or a summary occurrence). */
export function compileWhere(where: Predicate[] | undefined): PropsTest {
  if (!where || where.length === 0) return ALWAYS;
  const tests = where.map((p) => ({ read: compilePath(p.property), test: compileOp(p.op, p.value) }));
  const explain = (props: Record<string, unknown> | SummaryProps | null | undefined): WhereFailure | null => {
    for (let i = 0; i < tests.length; i++) {
      const value = tests[i].read(props as Record<string, unknown>);
      if (!tests[i].test(value)) return { index: i, predicate: where[i], value };
    }
    return null;
  };
  if (tests.length === 1) {
    const [{ read, test }] = tests;
    return Object.assign((props: Record<string, unknown> | SummaryProps | null | undefined) => test(read(props as Record<string, unknown>)), { explain });
  }
  return Object.assign(
    (props: Record<string, unknown> | SummaryProps | null | undefined) => {
      for (let i = 0; i < tests.length; i++) {
        if (!tests[i].test(tests[i].read(props as Record<string, unknown>))) return false;
      }
      return true;
    },
    { explain },
  );
}

/** A count bound `{gte: 3}`; absent means "at least one". Every given bound must hold. */
export function compileCount(count: Count | undefined): (n: number) => boolean {
  if (!count) return (n) => n >= 1;
  const tests: ((n: number) => boolean)[] = [];
  if (count.eq !== undefined) tests.push((n) => n === count.eq);
  if (count.neq !== undefined) tests.push((n) => n !== count.neq);
  if (count.gt !== undefined) tests.push((n) => n > count.gt!);
  if (count.gte !== undefined) tests.push((n) => n >= count.gte!);
  if (count.lt !== undefined) tests.push((n) => n < count.lt!);
  if (count.lte !== undefined) tests.push((n) => n <= count.lte!);
  if (tests.length === 1) return tests[0];
  return (n) => tests.every((t) => t(n));
}

function compileNode(c: Condition, leaves: Leaf[]): Eval {
  if ("all" in c) {
    const kids = c.all.map((k) => compileNode(k, leaves));
    return (ctx) => {
      let missing = false;
      for (let i = 0; i < kids.length; i++) {
        const r = kids[i](ctx);
        if (r === "no") return "no";
        if (r === "missing") missing = true;
      }
      return missing ? "missing" : "yes";
    };
  }
  if ("any" in c) {
    const kids = c.any.map((k) => compileNode(k, leaves));
    return (ctx) => {
      let missing = false;
      for (let i = 0; i < kids.length; i++) {
        const r = kids[i](ctx);
        if (r === "yes") return "yes";
        if (r === "missing") missing = true;
      }
      return missing ? "missing" : "no";
    };
  }
  if ("not" in c) {
    const kid = compileNode(c.not, leaves);
    return (ctx) => {
      const r = kid(ctx);
      return r === "yes" ? "no" : r === "no" ? "yes" : "missing";
    };
  }
  if ("trait" in c) {
    const readPath = compilePath(c.trait);
    let read = (ctx: ProfileContext) => readPath(ctx.traits);
    if (c.trait.startsWith("group.") && c.trait.length > 6) {
      // `group.<trait>` reads the profile's group (docs/api.md §4 group); a profile in no group falls back
      // to its own traits, where an identify may have stored a nested `group` object.
      const readGroup = compilePath(c.trait.slice(6));
      read = (ctx: ProfileContext) => (ctx.group ? readGroup(ctx.group) : readPath(ctx.traits));
    }
    const test: ValueTest = compileOp(c.op, c.value);
    leaves.push({ kind: "trait", name: c.trait, read });
    if (c.op === "exists" || c.op === "not_exists") return (ctx) => (test(read(ctx)) ? "yes" : "no");
    return (ctx) => {
      const v = read(ctx);
      if (v === undefined || v === null) return "missing";
      return test(v) ? "yes" : "no";
    };
  }
  if ("event" in c) {
    const name = c.event;
    const where = c.where && c.where.length ? compileWhere(c.where) : undefined;
    const within = c.within ? parseDuration(c.within) : null;
    const pass = compileCount(c.count);
    const count = (ctx: ProfileContext) =>
      countEvents(ctx.summary, name, within === null ? -Infinity : ctx.now - within, ctx.now, where);
    leaves.push({ kind: "event", label: c.within ? `${name} (${c.within})` : name, count });
    return (ctx) => (pass(count(ctx)) ? "yes" : "no");
  }
  const { node, branch } = c.variant;
  leaves.push({ kind: "variant", node });
  return (ctx) => (own(ctx.variants, node) === branch ? "yes" : "no");
}

/** Compiles a condition once; the result is called per evaluation with no JSON walking. */
export function compileCondition(c: Condition): CompiledCondition {
  const leaves: Leaf[] = [];
  const evaluate = compileNode(c, leaves) as CompiledCondition;
  evaluate.traits = [...new Set(leaves.flatMap((l) => (l.kind === "trait" ? [l.name] : [])))];
  evaluate.explain = (ctx) => {
    const seen: Seen = {};
    for (const leaf of leaves) {
      if (leaf.kind === "trait") {
        const v = leaf.read(ctx);
        (seen.traits ??= dict())[leaf.name] = v === undefined ? null : v;
      } else if (leaf.kind === "event") {
        (seen.events ??= dict())[leaf.label] = leaf.count(ctx);
      } else {
        (seen.variants ??= dict())[leaf.node] = own(ctx.variants, leaf.node) ?? null;
      }
    }
    return seen;
  };
  return evaluate;
}
