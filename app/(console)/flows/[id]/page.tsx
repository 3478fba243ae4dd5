// /flows/:id: the canvas editor. The flow is read while the page renders on the server, so a large
// flow starts drawing as soon as the page hydrates instead of after one more round trip; an unknown
// flow answers 404.
import type { Metadata } from "next";
import { FlowEditorPage } from "@/components/canvas/flow-editor";
import { getDb } from "@/lib/db/client";
import { flowForPage } from "@/lib/pages/lookups";

export const metadata: Metadata = { title: "Flow editor" };

export default async function FlowPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const initial = await flowForPage(await getDb(), id);
  return <FlowEditorPage flowId={id} initial={initial} />;
}
