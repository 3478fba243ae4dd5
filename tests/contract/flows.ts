// Small builders for flow documents in the stored form of docs/api.md §5 (plain JSON, as a client sends it).
export type J = Record<string, unknown>;

let x = 0;
export const node = (id: string, type: string, data: J = {}) => ({ id, type, position: { x: (x += 40) % 800, y: 0 }, data });
export const edge = (source: string, target: string, sourceHandle?: string) => ({
  id: `e-${source}-${target}${sourceHandle ? `-${sourceHandle}` : ""}`,
  source,
  target,
  ...(sourceHandle ? { sourceHandle } : {}),
});

export const onEvent = (event: string, where?: J[]) => ({ on: { type: "event", event, ...(where ? { where } : {}) } });
export const inApp = (placement: string, content: string, fallback?: string) => ({ channel: "in_app", placement, content, ...(fallback !== undefined ? { fallback } : {}) });

/** trigger(event) → in_app message: the smallest useful flow. */
export function simpleFlow(name: string, event: string, placement: string, content: string, settings: J = {}) {
  return {
    name,
    graph: { nodes: [node("t1", "trigger", onEvent(event)), node("m1", "message", inApp(placement, content))], edges: [edge("t1", "m1")] },
    settings,
  };
}
