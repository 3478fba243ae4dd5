// /data/tracking-plan: the tracking plan's rules and the latest violations.
import type { Metadata } from "next";
import { TrackingPlanPanel } from "@/components/data/tracking-plan-panel";

export const metadata: Metadata = { title: "Tracking plan" };

export default function TrackingPlanPage() {
  return <TrackingPlanPanel />;
}
