"use client";
// The React Flow canvas: custom nodes, minimap, zoom controls, background; drop target of the palette.
import "@xyflow/react/dist/style.css";
import "./canvas.css";
import { useCallback, useState } from "react";
import {
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
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
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
        onlyRenderVisibleElements={nodes.length > 150}
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
