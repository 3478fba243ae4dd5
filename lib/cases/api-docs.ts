// OpenAPI entries for a flow's test cases.
import type { Endpoint } from "@/lib/http/openapi";
import { TestCase, TestRunResult, TestSuite, TestSuiteBody } from "./schema";
import { CaseFromUserBody, RunCasesBody } from "./store";

export const endpoints: Endpoint[] = [
  {
    method: "get",
    path: "/api/v1/flows/:id/tests",
    summary: "The draft's test cases (?version=N: the cases version N was published with)",
    tag: "Flow tests",
    access: "viewer",
    query: { version: "A published version number; default: the draft" },
    response: TestSuite,
    errors: [404],
  },
  {
    method: "put",
    path: "/api/v1/flows/:id/tests",
    summary: "Replace the draft's test cases. Events given out of order are stored sorted by time, and `notes` says so; a case holds at most 1,000 events",
    tag: "Flow tests",
    access: "editor",
    body: TestSuiteBody,
    response: TestSuite,
    errors: [400, 404],
  },
  {
    method: "post",
    path: "/api/v1/flows/:id/tests/run",
    summary: "Run the test cases in the sandbox (virtual clock, nothing stored or sent): the draft's by default, the given `cases`, or a published `version`",
    tag: "Flow tests",
    access: "viewer",
    body: RunCasesBody,
    bodyOptional: true,
    response: TestRunResult,
    errors: [400, 404],
  },
  {
    method: "post",
    path: "/api/v1/flows/:id/tests/from-user",
    summary: "A test case built from a real user's traits and recent events, expecting what the draft does with them (not saved)",
    tag: "Flow tests",
    access: "editor",
    body: CaseFromUserBody,
    response: TestCase,
    errors: [400, 404],
  },
];
