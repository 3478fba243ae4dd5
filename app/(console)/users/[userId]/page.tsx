// /users/:userId: one profile — traits, identities, event timeline, runs with steps and reasons.
import type { Metadata } from "next";
import { ProfileView } from "@/components/data/profile-view";

export const metadata: Metadata = { title: "User" };

export default async function UserPage({ params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  return <ProfileView id={decodeURIComponent(userId)} />;
}
