// Home: the health of every flow, event volume and alerts.
import type { Metadata } from "next";
import { HomeDashboard } from "@/components/results/home-dashboard";

export const metadata: Metadata = { title: "Home" };

export default function Home() {
  return <HomeDashboard />;
}
