// "New flow" templates: whole, valid flow documents a marketer starts from.
import type { Graph, SettingsInput } from "./schema";

export type FlowTemplate = { id: string; name: string; description: string; graph: Graph; settings: SettingsInput };

export const TEMPLATES: FlowTemplate[] = [
  {
    id: "blank",
    name: "Blank flow",
    description: "Start with a single trigger and draw the rest.",
    graph: {
      nodes: [{ id: "trigger", type: "trigger", position: { x: 0, y: 0 }, data: { on: { type: "event", event: "Signed Up" } } }],
      edges: [],
    },
    settings: {},
  },
];
