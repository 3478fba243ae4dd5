// The simulate panel's event timeline: the rows a flow's first trigger suggests, and which profile
// traits an identify row would replace (shown, so the profile box is never overridden silently).
import type { Graph, On } from "@/lib/flow/schema";

export type SimRowType = "track" | "page" | "identify";
export type Row = { at: string; type: SimRowType; name: string; props: string };

/** A value that makes a trait test true, for a starting identify row. */
function satisfying(on: Extract<On, { type: "trait" }>): unknown {
  const v = on.value;
  const n = typeof v === "number" ? v : Number(v);
  switch (on.op) {
    case "eq":
    case "contains":
    case "starts_with":
      return v;
    case "gt":
      return Number.isFinite(n) ? n + 1 : v;
    case "gte":
    case "lte":
      return v;
    case "lt":
      return Number.isFinite(n) ? n - 1 : v;
    case "in":
      return Array.isArray(v) ? v[0] : v;
    case "exists":
      return true;
    default:
      return v ?? true;
  }
}

export function defaultRows(graph: Graph): Row[] {
  const t = graph.nodes.find((n) => n.type === "trigger");
  if (!t || t.type !== "trigger") return [{ at: "PT0S", type: "track", name: "Signed Up", props: "{}" }];
  const on = t.data.on;
  // An identify sets no trait by default: the profile box says who the user is.
  if (on.type === "identify") return [{ at: "PT0S", type: "identify", name: "", props: "{}" }];
  if (on.type === "trait") return [{ at: "PT0S", type: "identify", name: "", props: JSON.stringify({ [on.trait]: satisfying(on) }) }];
  if (on.type === "inactivity") return [{ at: "PT0S", type: "track", name: "Session Started", props: "{}" }];
  if (on.type !== "event" && on.type !== "behavior") return [{ at: "PT0S", type: "track", name: "Signed Up", props: "{}" }];
  const props = Object.fromEntries((on.where ?? []).filter((p) => p.op === "eq").map((p) => [p.property, p.value]));
  const row = { at: "PT0S", type: "track" as const, name: on.event, props: JSON.stringify(props) };
  const times = on.type === "behavior" ? on.count.gte : 2;
  return Array.from({ length: times }, (_, i) => ({ ...row, at: i === 0 ? "PT0S" : `PT${i}H` }));
}

export type TraitOverride = { event: number; trait: string; from: unknown; to: unknown };

/** Profile traits that an identify row sets to another value (event numbers are 1-based). */
export function traitOverrides(profile: Record<string, unknown>, rows: readonly Row[]): TraitOverride[] {
  const out: TraitOverride[] = [];
  rows.forEach((r, i) => {
    if (r.type !== "identify") return;
    let props: unknown;
    try {
      props = r.props.trim() ? JSON.parse(r.props) : {};
    } catch {
      return;
    }
    if (!props || typeof props !== "object" || Array.isArray(props)) return;
    for (const [k, v] of Object.entries(props)) {
      if (Object.prototype.hasOwnProperty.call(profile, k) && JSON.stringify(profile[k]) !== JSON.stringify(v)) out.push({ event: i + 1, trait: k, from: profile[k], to: v });
    }
  });
  return out;
}
