// /data/sources: inbound CRM webhooks with their mapping editor.
import type { Metadata } from "next";
import { SourcesPanel } from "@/components/data/sources-panel";

export const metadata: Metadata = { title: "Sources" };

export default function SourcesPage() {
  return <SourcesPanel />;
}
