// /flows/:id/versions/:version: one published version, read-only, with "restore as draft".
import type { Metadata } from "next";
import { VersionView } from "@/components/canvas/version-view";

export const metadata: Metadata = { title: "Flow version" };

export default async function FlowVersionPage({ params }: { params: Promise<{ id: string; version: string }> }) {
  const { id, version } = await params;
  return <VersionView flowId={id} version={Number(version)} />;
}
