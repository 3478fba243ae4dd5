// Shape errors of node data in the words of the person editing the step: "Give this condition a
// property", never zod's "Too small: expected string to have >=1 characters" nor "on.where.0.property".
import type { z } from "zod";
import type { NodeType } from "./schema";

type Issue = z.core.$ZodIssue;

const DURATION_KEYS = new Set(["for", "timeout", "after", "within"]);
const FIELD_WORDS: Record<string, string> = {
  property: "Give this condition a property",
  event: "Name the event",
  trait: "Name the trait",
  placement: "Choose where the message shows (its placement)",
  url: "Give the webhook a URL",
  subject: "Give the email a subject",
  content: "Give the message some content",
  op: "Choose how to compare",
  node: "Choose the split this condition asks about",
  branch: "Choose the branch this condition asks about",
};

/** Of a union's alternatives, the one the data came closest to (fewest issues, none about unknown keys). */
function closest(issue: Extract<Issue, { code: "invalid_union" }>): Issue | undefined {
  const options = issue.errors.filter((list) => list.length > 0 && !list.some((i) => i.code === "unrecognized_keys"));
  const best = [...options].sort((a, b) => a.length - b.length)[0];
  return best?.[0] ? { ...best[0], path: [...issue.path, ...best[0].path] } : undefined;
}

/** One zod issue of a node's data as a sentence. */
export function plainIssue(type: NodeType, issue: Issue): string {
  if (issue.code === "invalid_union") {
    const inner = closest(issue);
    if (inner) return plainIssue(type, inner);
    return type === "condition" ? "Complete this condition" : "Complete this step's settings";
  }
  const keys = issue.path.filter((k): k is string => typeof k === "string");
  const last = keys[keys.length - 1] ?? "";
  if (keys.includes("branches")) {
    if (last === "weight") return "A branch's weight is between 0 and 100";
    if (last === "id") return "Give every branch a name";
    return "A split needs at least one branch";
  }
  if (keys.includes("count") || last === "gte") return "Say how many times (1 or more)";
  if (DURATION_KEYS.has(last)) return "Set a duration such as 30 minutes, 24 hours or 7 days";
  if (last === "set" || keys.includes("set")) return "Give each trait a name";
  if (FIELD_WORDS[last]) return FIELD_WORDS[last];
  const field = last.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return field ? `Fill in the ${field}` : "Complete this step's settings";
}
