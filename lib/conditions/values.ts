// Operators of the condition language (docs/api.md §5 `Op`) compiled into value tests, and dotted-path lookup.
//
// Type rules (one place, used by trait rules, event `where` predicates, wait-until and goals):
//   - Absent means `undefined` or `null`. `exists` is true for any other value; `not_exists` is its opposite.
//   - eq / neq: a number and a numeric string compare numerically ("42" eq 42, "1.50" eq 1.5), two strings
//     compare as text ("007" is not "7"); two arrays
//     are equal when they have the same length and pairwise-equal elements in order; everything else
//     is strict equality, so strings are case-sensitive and "true" is not true. neq is exactly !eq,
//     so an absent value is neq anything.
//   - gt / gte / lt / lte: numerically when both sides are numbers or numeric strings; else as instants
//     when both sides are ISO 8601 dates ("2024-05-01", "2024-05-01T10:00:00Z") or one side is a date
//     and the other a number of epoch milliseconds; else strings compare by code unit (case-sensitive);
//     any other pairing (absent, booleans, arrays, objects) is false.
//   - in / nin: the rule's value is an array (a scalar value is treated as a one-element array). A
//     scalar actual is `in` when it eq's some element; an array actual when any of its elements does.
//     nin is exactly !in, so an absent value is nin anything.
//   - contains: a string actual contains the value as a substring (numbers are written as text first);
//     an array actual contains the value when some element eq's it. Anything else is false.
//   - starts_with: string (or number written as text) prefix test, case-sensitive. Else false.
// Every operator is compiled once against its constant rule value; the returned test does not allocate.
import type { Op, Value } from "@/lib/flow/schema";

export type ValueTest = (actual: unknown) => boolean;

const NUMERIC_RE = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** The number a value stands for, or NaN: numbers as is, numeric strings parsed, nothing else. */
export function asNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && NUMERIC_RE.test(v)) return Number(v);
  return NaN;
}

/** Epoch milliseconds of an ISO 8601 date string, or NaN. */
export function asDate(v: unknown): number {
  if (typeof v === "string" && ISO_DATE_RE.test(v)) return Date.parse(v);
  return NaN;
}

export function isAbsent(v: unknown): boolean {
  return v === undefined || v === null;
}

/** eq as documented above. */
export function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!looseEquals(a[i], b[i])) return false;
    return true;
  }
  if ((typeof a === "number" && typeof b === "string") || (typeof a === "string" && typeof b === "number")) {
    const x = asNumber(a);
    const y = asNumber(b);
    return x === x && x === y; // x === x rules out NaN
  }
  return false;
}

/** -1, 0, 1, or NaN when the two are not comparable (see the type rules). */
export function compareValues(a: unknown, b: unknown): number {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na === na && nb === nb) return na < nb ? -1 : na > nb ? 1 : 0;
  let da = asDate(a);
  let db = asDate(b);
  if (da !== da && typeof a === "number" && db === db) da = a;
  if (db !== db && typeof b === "number" && da === da) db = b;
  if (da === da && db === db) return da < db ? -1 : da > db ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return NaN;
}

function textOf(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
}

/** Compiles `actual <op> value` into a test. The rule value is read here once, never per evaluation. */
export function compileOp(op: Op, value: Value | undefined): ValueTest {
  switch (op) {
    case "exists":
      return (a) => a !== undefined && a !== null;
    case "not_exists":
      return (a) => a === undefined || a === null;
    case "eq":
      return compileEq(value);
    case "neq": {
      const eq = compileEq(value);
      return (a) => !eq(a);
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return compileOrder(op, value);
    case "in":
      return compileIn(value);
    case "nin": {
      const inTest = compileIn(value);
      return (a) => !inTest(a);
    }
    case "contains": {
      const text = textOf(value);
      const eq = compileEq(value);
      return (a) => {
        if (typeof a === "string") return text !== null && a.includes(text);
        if (Array.isArray(a)) {
          for (let i = 0; i < a.length; i++) if (eq(a[i])) return true;
        }
        return false;
      };
    }
    case "starts_with": {
      const text = textOf(value);
      if (text === null) return () => false;
      return (a) => {
        const s = typeof a === "string" ? a : textOf(a);
        return s !== null && s.startsWith(text);
      };
    }
  }
}

function compileEq(value: Value | undefined): ValueTest {
  if (value === undefined || value === null) return (a) => a === undefined || a === null;
  if (Array.isArray(value)) return (a) => looseEquals(a, value);
  const n = asNumber(value);
  if (typeof value === "number") {
    return (a) => a === value || (typeof a === "string" && asNumber(a) === n);
  }
  if (n === n) {
    // a numeric string constant equals the same number; two strings still compare as text ("007" is not "7")
    return (a) => a === value || (typeof a === "number" && a === n);
  }
  return (a) => a === value;
}

function compileOrder(op: "gt" | "gte" | "lt" | "lte", value: Value | undefined): ValueTest {
  if (value === undefined || value === null || Array.isArray(value) || typeof value === "boolean") return () => false;
  const ok =
    op === "gt" ? (c: number) => c > 0 : op === "gte" ? (c: number) => c >= 0 : op === "lt" ? (c: number) => c < 0 : (c: number) => c <= 0;
  const general: ValueTest = (a) => {
    const c = compareValues(a, value);
    return c === c && ok(c);
  };
  const n = asNumber(value);
  if (n !== n) return general;
  // The common case (a number against a numeric constant) compares directly, without a helper call.
  switch (op) {
    case "gt":
      return (a) => (typeof a === "number" ? a > n : general(a));
    case "gte":
      return (a) => (typeof a === "number" ? a >= n : general(a));
    case "lt":
      return (a) => (typeof a === "number" ? a < n : general(a));
    case "lte":
      return (a) => (typeof a === "number" ? a <= n : general(a));
  }
}

function compileIn(value: Value | undefined): ValueTest {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  // Membership by hashing, keeping eq's rules: a number matches the same number or a numeric string
  // of it in the list, and a numeric string matches a number of the same value.
  const exact = new Set<unknown>(list);
  const numbers = new Set<number>();
  const numericStrings = new Set<number>();
  for (const v of list) {
    if (typeof v === "number") numbers.add(v);
    else if (typeof v === "string" && NUMERIC_RE.test(v)) numericStrings.add(Number(v));
  }
  const member = (x: unknown): boolean => {
    if (exact.has(x)) return true;
    if (typeof x === "number") return numericStrings.has(x);
    if (typeof x === "string" && numbers.size > 0) {
      const n = asNumber(x);
      return n === n && numbers.has(n);
    }
    return false;
  };
  return (a) => {
    if (Array.isArray(a)) {
      for (let i = 0; i < a.length; i++) if (member(a[i])) return true;
      return false;
    }
    return member(a);
  };
}

export type PathReader = (source: Record<string, unknown> | undefined | null) => unknown;

/**
 * Compiles a property or trait name into a reader. A name with dots ("company.plan") is first looked up
 * as a literal key (summaries store flattened properties, and `update` nodes may set dotted names),
 * then walked as a path. Only own properties are read, so "constructor" or "__proto__" find nothing.
 */
export function compilePath(name: string): PathReader {
  const hasOwn = Object.prototype.hasOwnProperty;
  if (!name.includes(".")) {
    return (src) => (src != null && hasOwn.call(src, name) ? src[name] : undefined);
  }
  const parts = name.split(".");
  return (src) => {
    if (src == null) return undefined;
    if (hasOwn.call(src, name)) return src[name];
    let cur: unknown = src;
    for (let i = 0; i < parts.length; i++) {
      if (cur === null || typeof cur !== "object" || !hasOwn.call(cur, parts[i])) return undefined;
      cur = (cur as Record<string, unknown>)[parts[i]];
    }
    return cur;
  };
}
