"use client";
// The React Flow canvas: custom nodes, minimap, zoom controls, background; drop target of the palette.
// The frames of a drag in progress stay in this component: only the drop reaches the editor, so the
// toolbar, side panel and validation do not re-render sixty times a second.
// From the keyboard: Tab walks the nodes in flow order, Enter selects, and on a focused node I, A, C
// and Delete ask the editor to inspect, add a step below, connect, or delete (see onNodeCommand).
import "@xyflow/react/dist/style.css";
import "./canvas.css";
import { useCallback, useMemo, useState } from "react";
import {
  applyNodeChanges,
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type AriaLabelConfig,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type OnNodeDrag,
  type OnSelectionChangeFunc,
} from "@xyflow/react";
import type { CanvasEdge, CanvasNode } from "@/lib/flow/canvas-mapping";
import { nodeTypes } from "./nodes";
import { DND_TYPE } from "./palette";
import { kindOf } from "./node-kinds";
import { edgeAriaLabel, flowOrder, nodeAriaLabel } from "./a11y";
import { useAnnounce } from "./announce";
import { useDecor } from "./decor";

/** What a key on a focused node asks of the editor. */
export type NodeCommand = "inspect" | "add" | "connect" | "delete" | "rename";
const COMMAND_KEYS: Record<string, NodeCommand> = { i: "inspect", a: "add", c: "connect", Delete: "delete", Backspace: "delete", F2: "rename" };

const editableHelp =
  "Press Enter to select this step and show it in the inspector, I to edit its fields, F2 to rename it, A to add a step below it, C to connect it to another step, Delete to remove it, Escape to clear the selection. Once selected, arrow keys move it. Tab moves to the next step in flow order.";
const readOnlyHelp = "Press Enter to select this step and show it in the side panel. Tab moves to the next step in flow order.";
const ariaLabels = (readOnly: boolean): Partial<AriaLabelConfig> => ({
  // React Flow 12.12 describes nodes with "keyboardDisabled" while keyboard support is on (and with
  // "default" when it is off), so both say the same: whichever it picks, the keys are right.
  "node.a11yDescription.default": readOnly ? readOnlyHelp : editableHelp,
  "node.a11yDescription.keyboardDisabled": readOnly ? readOnlyHelp : editableHelp,
  "node.a11yDescription.ariaLiveMessage": ({ direction, x, y }) => `Moved the selected step ${direction}, to x ${x}, y ${y}`,
  "edge.a11yDescription.default": readOnly ? "A connection between two steps." : "Press Enter to select this connection, then Delete to remove it.",
  "controls.ariaLabel": "Zoom controls",
  "controls.zoomIn.ariaLabel": "Zoom in",
  "controls.zoomOut.ariaLabel": "Zoom out",
  "controls.fitView.ariaLabel": "Fit the flow in view",
  "controls.interactive.ariaLabel": "Lock or unlock the canvas",
  "minimap.ariaLabel": "Minimap of the flow",
});
const ARIA_EDIT = ariaLabels(false);
const ARIA_READ = ariaLabels(true);

const minimapColor = (n: CanvasNode) => kindOf(n.type ?? "exit", n.data).color;
/** Fitting the flow in view never zooms out below READABLE_ZOOM, where a card's text is still legible. */
export const READABLE_ZOOM = 0.5;
export const FIT_OPTIONS = { padding: 0.2, maxZoom: 1.1, minZoom: READABLE_ZOOM };
const fitViewOptions = FIT_OPTIONS;
const defaultEdgeOptions = { type: "smoothstep" as const };
const proOptions = { hideAttribution: true };
// All nodes in the DOM pan and zoom as one CSS transform; culling re-renders nodes while panning and
// delays the first full draw, which costs more than it saves below a few hundred nodes.
const CULL_ABOVE = 600;

/**
 * The wire under a point of the screen, if any, within its wide invisible interaction stroke. Judged by
 * the path's geometry, not by hit-testing: while a step is dragged the wires take no pointer events
 * and the dragged card covers the point, so `elementsFromPoint` would find nothing.
 */
function edgeAt(x: number, y: number): string | null {
  for (const g of document.querySelectorAll<SVGGElement>(".react-flow__edge")) {
    const path = g.querySelector<SVGPathElement>(".react-flow__edge-interaction") ?? g.querySelector<SVGPathElement>("path");
    const m = path?.getScreenCTM();
    const id = g.getAttribute("data-id");
    if (!path || !m || !id) continue;
    if (path.isPointInStroke(new DOMPoint(x, y).matrixTransform(m.inverse()))) return id;
  }
  return null;
}

const MINIMAP_ABOVE = 12;
const MINIMAP_SIZE = { width: 150, height: 100 };

const isDragFrame = (changes: NodeChange<CanvasNode>[]) => changes.length > 0 && changes.every((c) => c.type === "position" && c.dragging === true);

export function FlowCanvas({
  nodes,
  edges,
  readOnly,
  simulating,
  onNodesChange,
  onEdgesChange,
  onConnect,
  isValidConnection,
  onDropKind,
  onDropOnEdge,
  onSelectionChange,
  onPaneClick,
  onNodeCommand,
}: {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  readOnly?: boolean;
  simulating?: boolean;
  onNodesChange?: (c: NodeChange<CanvasNode>[]) => void;
  onEdgesChange?: (c: EdgeChange<CanvasEdge>[]) => void;
  onConnect?: (c: Connection) => void;
  isValidConnection?: (c: Connection | CanvasEdge) => boolean;
  /** A palette item dropped: where, and the wire it was dropped on, if any. */
  onDropKind?: (key: string, at: { x: number; y: number }, edgeId: string | null) => void;
  /** One node dragged and let go over a wire. */
  onDropOnEdge?: (nodeId: string, edgeId: string) => void;
  onSelectionChange?: OnSelectionChangeFunc<CanvasNode, CanvasEdge>;
  onPaneClick?: () => void;
  /** A command key pressed on a focused node (see COMMAND_KEYS). */
  onNodeCommand?: (command: NodeCommand, nodeId: string) => void;
}) {
  const rf = useReactFlow();
  const announce = useAnnounce();
  const { problems, labels: nodeLabels, unreached } = useDecor();
  // Fit only a flow that opens with nodes: on an empty canvas React Flow would otherwise re-fit when the
  // first node lands, and the view would jump under the user's next drop.
  const [fitOnOpen] = useState(nodes.length > 0);
  // The minimap is small and, on a flow that fits on a screen, hidden until asked for: it must not
  // sit on top of the steps.
  const [showMap, setShowMap] = useState(nodes.length > MINIMAP_ABOVE);
  // The editor's nodes, plus the positions of a drag in progress. A new array from the editor (any
  // change it makes, including the drop) replaces them.
  const [shown, setShown] = useState(nodes);
  const [from, setFrom] = useState(nodes);
  if (from !== nodes) {
    setFrom(nodes);
    setShown(nodes);
  }
  const handleNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      if (isDragFrame(changes)) setShown((cur) => applyNodeChanges(changes, cur));
      else {
        const removed = changes.flatMap((c) => (c.type === "remove" ? [c.id] : []));
        onNodesChange?.(changes);
        if (removed.length) announce(`Deleted ${removed.join(", ")}`);
      }
    },
    [onNodesChange, announce],
  );
  const handleEdgesChange = useCallback(
    (changes: EdgeChange<CanvasEdge>[]) => {
      const removed = changes.flatMap((c) => (c.type === "remove" ? [c.id] : []));
      onEdgesChange?.(changes);
      if (removed.length && !changes.some((c) => c.type !== "remove")) announce(removed.length === 1 ? "Deleted the connection" : `Deleted ${removed.length} connections`);
    },
    [onEdgesChange, announce],
  );
  const handleConnect = useCallback(
    (c: Connection) => {
      onConnect?.(c);
      if (!isValidConnection || isValidConnection(c)) announce(`Connected ${c.source}${c.sourceHandle && c.sourceHandle !== "next" ? ` (${c.sourceHandle})` : ""} to ${c.target}`);
    },
    [onConnect, isValidConnection, announce],
  );

  // Accessibility, worked out when the document changes (not on drag frames): the flow order, which is
  // the DOM order and so the Tab and reading order, and each node's name as its card and wires read.
  const order = useMemo(() => new Map(flowOrder(nodes, edges).map((id, i) => [id, i])), [nodes, edges]);
  const labels = useMemo(
    () => new Map(nodes.map((n) => [n.id, nodeAriaLabel(n, edges, problems.get(n.id), { label: nodeLabels.get(n.id), lostBy: unreached.get(n.id) })])),
    [nodes, edges, problems, nodeLabels, unreached],
  );
  // Labelled copies are kept per node object, so a node React Flow already has keeps its identity.
  const [copies] = useState(() => new WeakMap<CanvasNode, CanvasNode>());
  const rfNodes = useMemo(() => {
    const out = shown.map((n) => {
      const label = labels.get(n.id);
      const hit = copies.get(n);
      if (hit && hit.ariaLabel === label) return hit;
      const copy = { ...n, ariaLabel: label };
      copies.set(n, copy);
      return copy;
    });
    return out.sort((a, b) => (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity));
  }, [shown, labels, order, copies]);
  const [edgeCopies] = useState(() => new WeakMap<CanvasEdge, CanvasEdge>());
  const rfEdges = useMemo(() => {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    return edges.map((e) => {
      const label = edgeAriaLabel(e, byId.get(e.source));
      const hit = edgeCopies.get(e);
      if (hit && hit.ariaLabel === label) return hit;
      const copy = { ...e, ariaLabel: label };
      edgeCopies.set(e, copy);
      return copy;
    });
  }, [edges, nodes, edgeCopies]);

  const onKeyDown = useCallback(
    (e: React.KeyboardEvent) => {
      if (!onNodeCommand || e.ctrlKey || e.metaKey || e.altKey) return;
      const el = e.target as HTMLElement;
      // Only keys pressed on a node itself, never in a field inside one.
      if (!el.classList?.contains("react-flow__node") || !el.dataset.id) return;
      const command = COMMAND_KEYS[e.key] ?? COMMAND_KEYS[e.key.toLowerCase()];
      if (!command || (readOnly && command !== "inspect")) return;
      e.preventDefault();
      // React Flow listens for Delete on the document; the editor deletes this node itself instead.
      e.stopPropagation();
      onNodeCommand(command, el.dataset.id);
    },
    [onNodeCommand, readOnly],
  );
  const onDragOver = useCallback((e: React.DragEvent) => {
    if (e.dataTransfer.types.includes(DND_TYPE)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
    }
  }, []);
  const onDrop = useCallback(
    (e: React.DragEvent) => {
      const key = e.dataTransfer.getData(DND_TYPE);
      if (!key || !onDropKind) return;
      e.preventDefault();
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      // Centre the card under the pointer.
      onDropKind(key, { x: Math.round(p.x - 130), y: Math.round(p.y - 40) }, edgeAt(e.clientX, e.clientY));
    },
    [rf, onDropKind],
  );
  const onNodeDragStop: OnNodeDrag<CanvasNode> = useCallback(
    (e, node, dragged) => {
      if (!onDropOnEdge || dragged.length > 1) return;
      const point = "changedTouches" in e ? e.changedTouches[0] : e;
      const edge = point ? edgeAt(point.clientX, point.clientY) : null;
      if (edge) onDropOnEdge(node.id, edge);
    },
    [onDropOnEdge],
  );
  return (
    <div className={`pw-canvas h-full w-full ${simulating ? "pw-simulating" : ""}`} onDragOver={onDragOver} onDrop={onDrop} onKeyDown={onKeyDown} data-testid="flow-canvas">
      <ReactFlow<CanvasNode, CanvasEdge>
        nodes={rfNodes}
        edges={rfEdges}
        nodeTypes={nodeTypes}
        onNodesChange={handleNodesChange}
        onEdgesChange={handleEdgesChange}
        onConnect={handleConnect}
        isValidConnection={isValidConnection}
        onSelectionChange={onSelectionChange}
        onNodeDragStop={readOnly ? undefined : onNodeDragStop}
        onNodeDoubleClick={readOnly || !onNodeCommand ? undefined : (_e, node) => onNodeCommand("rename", node.id)}
        onPaneClick={onPaneClick}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesReconnectable={false}
        elementsSelectable
        nodesFocusable
        edgesFocusable
        ariaLabelConfig={readOnly ? ARIA_READ : ARIA_EDIT}
        aria-label={readOnly ? "Flow canvas, read only" : "Flow canvas"}
        deleteKeyCode={readOnly ? null : ["Backspace", "Delete"]}
        multiSelectionKeyCode={["Shift", "Meta", "Control"]}
        selectionKeyCode="Shift"
        fitView={fitOnOpen}
        fitViewOptions={fitViewOptions}
        minZoom={0.1}
        maxZoom={2}
        defaultEdgeOptions={defaultEdgeOptions}
        proOptions={proOptions}
        onlyRenderVisibleElements={nodes.length > CULL_ABOVE}
        snapToGrid
        snapGrid={[10, 10]}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />
        {showMap ? <MiniMap<CanvasNode> pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} maskColor="rgb(241 245 249 / 0.7)" style={MINIMAP_SIZE} /> : null}
        <Controls showInteractive={false} fitViewOptions={FIT_OPTIONS}>
          <ControlButton onClick={() => setShowMap((v) => !v)} aria-label={showMap ? "Hide the minimap" : "Show the minimap"} title={showMap ? "Hide the minimap" : "Show the minimap"} aria-pressed={showMap}>
            <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
              <rect x="3" y="5" width="18" height="14" rx="2" />
              <rect x="12" y="12" width="6" height="4" />
            </svg>
          </ControlButton>
        </Controls>
      </ReactFlow>
    </div>
  );
}
