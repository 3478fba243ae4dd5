// /settings/team: console accounts and their roles.
import type { Metadata } from "next";
import { TeamPanel } from "@/components/settings/team-panel";

export const metadata: Metadata = { title: "Team" };

export default function TeamPage() {
  return <TeamPanel />;
}
