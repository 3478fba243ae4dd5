// OpenAPI entries for the editor's suggestions from real data.
import type { Endpoint } from "@/lib/http/openapi";
import { Suggestions } from "./suggestions";

export const endpoints: Endpoint[] = [
  {
    method: "get",
    path: "/api/v1/suggestions",
    summary: "Event names, an event's property names and values, trait names and values, placements, with counts, from what the workspace received",
    tag: "Flows",
    access: "viewer",
    response: Suggestions,
    errors: [400],
    query: {
      field: "event | property | value | trait | trait_value | placement",
      event: "property, value: the event",
      property: "value: the property (a dotted path)",
      trait: "trait_value: the trait",
      q: "only values containing this text (case-insensitive), prefix matches first",
      limit: "1-50, default 20",
    },
  },
];
