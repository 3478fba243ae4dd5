// /flows/:id/results: the flow's dashboard (funnel, outcomes, variants and holdout).
import type { Metadata } from "next";
import { ResultsDashboard } from "@/components/results/results-dashboard";

export const metadata: Metadata = { title: "Results" };

export default async function ResultsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ResultsDashboard flowId={id} />;
}
