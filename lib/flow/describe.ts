// Readable, one-line summaries of flow nodes for the canvas ("Viewed Product A in the last 7 days").
import type { Condition, Count, FlowNode, On, Op, Predicate, Value } from "./schema";

const OP_WORDS: Record<Op, string> = {
  eq: "is",
  neq: "is not",
  gt: "is more than",
  gte: "is at least",
  lt: "is less than",
  lte: "is at most",
  in: "is one of",
  nin: "is none of",
  contains: "contains",
  starts_with: "starts with",
  exists: "is set",
  not_exists: "is not set",
};

export const OP_LABELS = OP_WORDS;

const DURATION_PARTS = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** A duration as the marketer wrote it: P7D → "7 days", PT24H → "24 hours", P1DT12H → "1 day 12 hours". */
export function humanDuration(text: string): string {
  const m = DURATION_PARTS.exec(text);
  if (!m || text === "P" || text.endsWith("T")) return text;
  const names = ["week", "day", "hour", "minute", "second"];
  const parts = m.slice(1).flatMap((v, i) => (v && Number(v) !== 0 ? [`${Number(v)} ${names[i]}${Number(v) === 1 ? "" : "s"}`] : []));
  return parts.length ? parts.join(" ") : "no time";
}

function valueText(v: Value | undefined): string {
  if (v === undefined) return "";
  if (Array.isArray(v)) return v.map((x) => valueText(x)).join(", ");
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

/** "plan is pro", "age is at least 18", "email is set". */
export function describeTest(name: string, op: Op, value?: Value): string {
  if (op === "exists" || op === "not_exists") return `${name} ${OP_WORDS[op]}`;
  return `${name} ${OP_WORDS[op]} ${valueText(value)}`.trim();
}

/** Property filters: "where sku is A" / "where sku is A and price is more than 10". */
export function describeWhere(where: Predicate[] | undefined): string {
  if (!where || where.length === 0) return "";
  return ` where ${where.map((p) => describeTest(p.property, p.op, p.value)).join(" and ")}`;
}

/** "Viewed Product A" for a "… Viewed" event filtered to one named item; else the event and its filters. */
function eventPhrase(event: string, where?: Predicate[]): string {
  const only = where && where.length === 1 ? where[0] : undefined;
  if (only && / Viewed$/.test(event) && only.op === "eq" && typeof only.value === "string" && /^(name|product|product_name|productName|title|sku)$/.test(only.property)) {
    return `Viewed ${only.value}`;
  }
  return `${event}${describeWhere(where)}`;
}

function times(n: number): string {
  return n === 1 ? "once" : `${n} times`;
}

/** "at least once", "never", "a number of times other than 1": how people count, not "not 1 time". */
function countText(count: Count | undefined): string {
  if (!count) return "";
  if (count.eq === 0 || (count.lt === 1 && Object.keys(count).length === 1) || count.lte === 0) return " never";
  if ((count.neq === 0 || count.gt === 0) && Object.values(count).filter((v) => v !== undefined).length === 1) return " at least once";
  const words: [keyof Count, (n: number) => string][] = [
    ["eq", (n) => `exactly ${times(n)}`],
    ["neq", (n) => `a number of times other than ${n}`],
    ["gt", (n) => `more than ${times(n)}`],
    ["gte", (n) => `at least ${times(n)}`],
    ["lt", (n) => `fewer than ${n} times`],
    ["lte", (n) => `at most ${times(n)}`],
  ];
  const parts = words.filter(([k]) => count[k] !== undefined).map(([k, w]) => w(count[k]!));
  return parts.length ? ` ${parts.join(" and ")}` : "";
}

export function describeCondition(c: Condition): string {
  if ("all" in c) return c.all.length === 0 ? "Always" : c.all.map((x) => wrap(x, "all")).join(" and ");
  if ("any" in c) return c.any.length === 0 ? "Never" : c.any.map((x) => wrap(x, "any")).join(" or ");
  if ("not" in c) return `not (${describeCondition(c.not)})`;
  if ("trait" in c) return describeTest(c.trait, c.op, c.value);
  if ("variant" in c) return `in branch ${c.variant.branch} of ${c.variant.node}`;
  if ("data" in c) return describeTest(`data.${c.data}`, c.op, c.value);
  const within = c.within ? ` in the last ${humanDuration(c.within)}` : "";
  return `${eventPhrase(c.event, c.where)}${countText(c.count)}${within}`;
}

function wrap(c: Condition, parent: "all" | "any"): string {
  const inner = describeCondition(c);
  const nested = ("all" in c && parent === "any" && c.all.length > 1) || ("any" in c && parent === "all" && c.any.length > 1);
  return nested ? `(${inner})` : inner;
}

export function describeOn(on: On): string {
  switch (on.type) {
    case "event":
      return `When ${on.event}${describeWhere(on.where)}`;
    case "behavior":
      return `When ${on.event}${describeWhere(on.where)} happens ${on.count.gte} time${on.count.gte === 1 ? "" : "s"} within ${humanDuration(on.within)}`;
    case "inactivity":
      return `When inactive for ${humanDuration(on.after)}`;
    case "identify":
      return "When a user is first identified";
    case "trait":
      return `As soon as ${describeTest(on.trait, on.op, on.value)}`;
  }
}

/** The summary line a node shows on the canvas. */
export function describeNode(node: FlowNode): string {
  switch (node.type) {
    case "trigger":
      return describeOn(node.data.on);
    case "condition":
      return describeCondition(node.data.if);
    case "split":
      return node.data.branches.map((b) => `${b.label || b.id} ${b.weight}%`).join(" · ");
    case "wait":
      if ("for" in node.data) return `Wait ${humanDuration(node.data.for)}`;
      return `Wait until ${node.data.until.event}${describeWhere(node.data.until.where)}, at most ${humanDuration(node.data.timeout)}`;
    case "message": {
      const d = node.data;
      if (d.channel === "in_app") return `Show in “${d.placement}”: ${oneLine(d.content)}`;
      if (d.channel === "email") return `Email: ${oneLine(d.subject) || "(no subject)"}`;
      return `${d.method ?? "POST"} ${d.url}`;
    }
    case "update": {
      const keys = Object.keys(node.data.set);
      return keys.length ? `Set ${keys.map((k) => `${k} = ${oneLine(valueText(node.data.set[k] as Value))}`).join(", ")}` : "Set nothing yet";
    }
    case "fetch":
      return `${node.data.method ?? "GET"} ${oneLine(node.data.url)} → data.${node.data.as}`;
    case "exit":
      return "The user leaves the flow";
  }
}

function oneLine(s: string, max = 80): string {
  const t = s.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
