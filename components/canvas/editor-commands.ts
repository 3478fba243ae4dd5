"use client";
// The editor's actions where they meet the screen: the store changes the draft, and these add what
// only the page knows — the middle of the view, moving the view to a step, focus, and the sentence
// announced for whoever cannot see the canvas change.
import { useCallback, useMemo, type RefObject } from "react";
import { useReactFlow } from "@xyflow/react";
import type { CanvasEdge, CanvasNode } from "@/lib/flow/canvas-mapping";
import { bodyOf } from "@/lib/flow/canvas-mapping";
import { describeChange, flowOrder } from "./a11y";
import { focusNodeWhenDrawn, useAnnounce } from "./announce";
import { CARD, useEditorApi, type Placement } from "./editor-store";
import { FIT_OPTIONS } from "./flow-canvas";
import type { Kind } from "./node-kinds";


export function useEditorCommands(canvasBox: RefObject<HTMLDivElement | null>, readOnly: boolean) {
  const store = useEditorApi();
  const rf = useReactFlow<CanvasNode, CanvasEdge>();
  const announce = useAnnounce();

  /**
   * Bring a new step into view, clear of the zoom controls (bottom left) and the minimap (bottom
   * right), at the zoom the person chose.
   */
  const reveal = useCallback(
    (id: string) => {
      const attempt = (tries: number) =>
        requestAnimationFrame(() => {
          const n = rf.getNode(id);
          const box = canvasBox.current?.getBoundingClientRect();
          if (!n || !box) return;
          if (!n.measured?.height && tries > 0) return attempt(tries - 1);
          const w = n.measured?.width ?? CARD.width;
          const h = n.measured?.height ?? CARD.height;
          const tl = rf.flowToScreenPosition(n.position);
          const br = rf.flowToScreenPosition({ x: n.position.x + w, y: n.position.y + h });
          const clear = { left: 64, right: 24, top: 24, bottom: 150 };
          const inside = tl.x >= box.left + clear.left && br.x <= box.right - clear.right && tl.y >= box.top + clear.top && br.y <= box.bottom - clear.bottom;
          if (!inside) rf.setCenter(n.position.x + w / 2, n.position.y + h / 2 + 50 / rf.getZoom(), { zoom: rf.getZoom(), duration: 250 });
        });
      attempt(10);
    },
    [rf, canvasBox],
  );

  const focusNode = useCallback(
    (id: string) => {
      store.getState().select([id]);
      const n = rf.getNode(id);
      if (n) rf.setCenter(n.position.x + (n.measured?.width ?? CARD.width) / 2, n.position.y + (n.measured?.height ?? CARD.height) / 2, { zoom: Math.max(rf.getZoom(), 0.9), duration: 300 });
    },
    [store, rf],
  );

  /**
   * Add a step: at a drop point (into the wire under it, if any); or below `from` (a node and one of
   * its handles); or below the one selected node; else in the middle of the view. Returns the new id.
   */
  const addNode = useCallback(
    (kind: Kind, place: Omit<Placement, "center"> & { onEdge?: string | null } = {}): string | null => {
      const body = bodyOf(kind.type, kind.make());
      if (readOnly || !body) return null;
      const box = canvasBox.current?.getBoundingClientRect();
      const center = rf.screenToFlowPosition({ x: (box?.left ?? 0) + (box?.width ?? 800) / 2, y: (box?.top ?? 0) + (box?.height ?? 600) / 2 });
      const api = store.getState();
      const added = api.add(body, { ...place, center });
      let into: string | null = null;
      if (place.onEdge) {
        const edge = store.getState().doc.edges.find((e) => e.id === place.onEdge);
        if (edge && store.getState().insertIntoEdge(added.id, edge.id)) into = `${edge.source} and ${edge.target}`;
      }
      announce(
        into
          ? `Added ${kind.label} ${added.id} between ${into}, connected`
          : added.source
            ? `Added ${kind.label} ${added.id} below ${added.source}${added.handle && added.handle !== "next" ? ` on ${added.handle}` : ""}${added.inserted ? ", the steps after it moved down" : ""}, connected`
            : `Added ${kind.label} ${added.id}, not connected`,
      );
      reveal(added.id);
      return added.id;
    },
    [readOnly, canvasBox, rf, store, announce, reveal],
  );

  // Undo and redo say what they changed, for whoever cannot see the canvas change.
  const undo = useCallback(() => {
    const before = store.getState().doc;
    if (store.getState().undo()) announce(`Undone: ${describeChange(before, store.getState().doc)}`);
    else announce("Nothing to undo");
  }, [store, announce]);
  const redo = useCallback(() => {
    const before = store.getState().doc;
    if (store.getState().redo()) announce(`Redone: ${describeChange(before, store.getState().doc)}`);
    else announce("Nothing to redo");
  }, [store, announce]);

  /**
   * Delete the selected nodes; or, given the focused node and it is not selected, that node alone.
   * Focus then moves to the step before them in flow order.
   */
  const deleteSelected = useCallback(
    (focused?: string) => {
      const s = store.getState().doc;
      const alone = focused !== undefined && !s.nodes.find((n) => n.id === focused)?.selected;
      const gone = s.nodes.filter((n) => (alone ? n.id === focused : n.selected)).map((n) => n.id);
      if (!gone.length) return;
      const order = flowOrder(s.nodes, s.edges);
      const set = new Set(gone);
      const first = order.findIndex((id) => set.has(id));
      const rest = order.filter((id) => !set.has(id));
      const fallback = rest[Math.max(0, Math.min(first, rest.length) - 1)] ?? null;
      store.getState().remove(gone);
      announce(`Deleted ${gone.join(", ")}`);
      if (focused && fallback) focusNodeWhenDrawn(fallback);
    },
    [store, announce],
  );

  /** A node dragged onto a wire goes into it. */
  const dropOnEdge = useCallback(
    (nodeId: string, edgeId: string) => {
      const edge = store.getState().doc.edges.find((e) => e.id === edgeId);
      if (!readOnly && edge && store.getState().insertIntoEdge(nodeId, edgeId)) announce(`Put ${nodeId} between ${edge.source} and ${edge.target}, connected`);
    },
    [store, readOnly, announce],
  );

  const fit = useCallback(() => rf.fitView({ ...FIT_OPTIONS, duration: 300 }), [rf]);

  const autoLayout = useCallback(async () => {
    const s = store.getState().doc;
    const sizes = new Map(s.nodes.map((n) => [n.id, { width: n.measured?.width ?? CARD.width, height: n.measured?.height ?? CARD.height }]));
    // elkjs is over a megabyte: loaded the first time someone asks for a layout, not with the editor.
    const { layoutGraph } = await import("@/lib/flow/layout");
    const { toDocument } = await import("@/lib/flow/canvas-mapping");
    store.getState().moveAll(await layoutGraph(toDocument(s), sizes));
    requestAnimationFrame(() => fit());
  }, [store, fit]);

  return useMemo(() => ({ addNode, undo, redo, deleteSelected, focusNode, autoLayout, fit, dropOnEdge }), [addNode, undo, redo, deleteSelected, focusNode, autoLayout, fit, dropOnEdge]);
}

export type EditorCommands = ReturnType<typeof useEditorCommands>;
