// /flows/:id: the canvas editor.
import type { Metadata } from "next";
import { FlowEditorPage } from "@/components/canvas/flow-editor";

export const metadata: Metadata = { title: "Flow editor" };

export default async function FlowPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <FlowEditorPage flowId={id} />;
}
