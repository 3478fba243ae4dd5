// Checks events against the tracking plan: per event name, the required properties and their types.
import type { PropertyType, TrackingPlan } from "./settings";

export type Violation = { property: string; message: string };

function typeOf(v: unknown): Exclude<PropertyType, "any"> | "null" {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  const t = typeof v;
  if (t === "string" || t === "number" || t === "boolean") return t;
  return "object";
}

export type CompiledPlan = { mode: TrackingPlan["mode"]; check(event: string, properties: Record<string, unknown>): Violation[] };

/** Indexes the plan by event name once, so a check is one map lookup for events the plan does not cover. */
export function compilePlan(plan: TrackingPlan): CompiledPlan {
  const byName = new Map(plan.events.map((e) => [e.event, e]));
  return {
    mode: plan.mode,
    check(event, properties) {
      const rule = byName.get(event);
      if (!rule) return [];
      const out: Violation[] = [];
      for (const p of rule.properties) {
        const v = properties[p.name];
        if (v === undefined || v === null) {
          if (p.required) out.push({ property: p.name, message: `"${event}" needs the property "${p.name}"` });
          continue;
        }
        if (p.type !== "any" && typeOf(v) !== p.type) {
          out.push({ property: p.name, message: `"${p.name}" of "${event}" must be a ${p.type}, got ${typeOf(v)}` });
        }
      }
      return out;
    },
  };
}

const compiled = new WeakMap<TrackingPlan, CompiledPlan>();

export function planFor(plan: TrackingPlan): CompiledPlan {
  let c = compiled.get(plan);
  if (!c) compiled.set(plan, (c = compilePlan(plan)));
  return c;
}
