// /flows/:id: the canvas editor. The flow is read while the page renders on the server, so a large
// flow starts drawing as soon as the page hydrates instead of after one more round trip.
import type { Metadata } from "next";
import { FlowEditorPage } from "@/components/canvas/flow-editor";
import { getDb } from "@/lib/db/client";
import { getFlow } from "@/lib/flows/store";
import type { FlowDocument } from "@/lib/flow/schema";

export const metadata: Metadata = { title: "Flow editor" };

export default async function FlowPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  let initial: FlowDocument | undefined;
  try {
    // The same JSON as GET /api/v1/flows/:id answers (dates as strings).
    initial = JSON.parse(JSON.stringify(await getFlow(await getDb(), id))) as FlowDocument;
  } catch {
    initial = undefined; // unknown flow or a read error: the client asks the API and shows why
  }
  return <FlowEditorPage flowId={id} initial={initial} />;
}
