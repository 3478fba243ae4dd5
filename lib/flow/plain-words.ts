// Shape errors of node data in the words of the person editing the step.
import type { z } from "zod";
import type { NodeType } from "./schema";

/** One zod issue of a node's data as a sentence. */
export function plainIssue(_type: NodeType, issue: z.core.$ZodIssue): string {
  return `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`;
}
