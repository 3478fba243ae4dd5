"use client";
// The React Flow canvas: custom nodes, minimap, zoom controls, background; drop target of the palette.
// The frames of a drag in progress stay in this component: only the drop reaches the editor, so the
// toolbar, side panel and validation do not re-render sixty times a second.
import "@xyflow/react/dist/style.css";
import "./canvas.css";
import { useCallback, useState } from "react";
import {
  applyNodeChanges,
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type OnSelectionChangeFunc,
} from "@xyflow/react";
import type { CanvasEdge, CanvasNode } from "@/lib/flow/canvas-mapping";
import { nodeTypes } from "./nodes";
import { DND_TYPE } from "./palette";
import { kindOf } from "./node-kinds";

const minimapColor = (n: CanvasNode) => kindOf(n.type ?? "exit", n.data).color;
const fitViewOptions = { padding: 0.2, maxZoom: 1.1 };
const defaultEdgeOptions = { type: "smoothstep" as const };
const proOptions = { hideAttribution: true };
// All nodes in the DOM pan and zoom as one CSS transform; culling re-renders nodes while panning and
// delays the first full draw, which costs more than it saves below a few hundred nodes.
const CULL_ABOVE = 600;

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
  onSelectionChange,
  onPaneClick,
}: {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  readOnly?: boolean;
  simulating?: boolean;
  onNodesChange?: (c: NodeChange<CanvasNode>[]) => void;
  onEdgesChange?: (c: EdgeChange<CanvasEdge>[]) => void;
  onConnect?: (c: Connection) => void;
  isValidConnection?: (c: Connection | CanvasEdge) => boolean;
  onDropKind?: (key: string, at: { x: number; y: number }) => void;
  onSelectionChange?: OnSelectionChangeFunc<CanvasNode, CanvasEdge>;
  onPaneClick?: () => void;
}) {
  const rf = useReactFlow();
  // Fit only a flow that opens with nodes: on an empty canvas React Flow would otherwise re-fit when the
  // first node lands, and the view would jump under the user's next drop.
  const [fitOnOpen] = useState(nodes.length > 0);
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
      else onNodesChange?.(changes);
    },
    [onNodesChange],
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
      onDropKind(key, { x: Math.round(p.x - 130), y: Math.round(p.y - 40) });
    },
    [rf, onDropKind],
  );
  return (
    <div className={`pw-canvas h-full w-full ${simulating ? "pw-simulating" : ""}`} onDragOver={onDragOver} onDrop={onDrop} data-testid="flow-canvas">
      <ReactFlow<CanvasNode, CanvasEdge>
        nodes={shown}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={handleNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onSelectionChange={onSelectionChange}
        onPaneClick={onPaneClick}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesReconnectable={false}
        elementsSelectable
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
        <MiniMap<CanvasNode> pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} maskColor="rgb(241 245 249 / 0.7)" ariaLabel="Minimap" />
        <Controls showInteractive={false} aria-label="Zoom controls" />
      </ReactFlow>
    </div>
  );
}
