// /flows/:id/results: the flow's dashboard (funnel, outcomes, variants and holdout); 404 for an unknown flow.
import type { Metadata } from "next";
import { ResultsDashboard } from "@/components/results/results-dashboard";
import { getDb } from "@/lib/db/client";
import { requireFlow } from "@/lib/pages/lookups";

export const metadata: Metadata = { title: "Results" };

export default async function ResultsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireFlow((await getDb()).sql, id);
  return <ResultsDashboard flowId={id} />;
}
