// /flows/:id/versions/:version: one published version, read-only, with "restore as draft"; 404 for an unknown flow.
import type { Metadata } from "next";
import { VersionView } from "@/components/canvas/version-view";
import { getDb } from "@/lib/db/client";
import { requireFlow } from "@/lib/pages/lookups";

export const metadata: Metadata = { title: "Flow version" };

export default async function FlowVersionPage({ params }: { params: Promise<{ id: string; version: string }> }) {
  const { id, version } = await params;
  await requireFlow((await getDb()).sql, id);
  return <VersionView flowId={id} version={Number(version)} />;
}
