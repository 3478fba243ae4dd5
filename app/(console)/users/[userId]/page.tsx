// /users/:userId: one profile — traits, identities, event timeline, runs with steps and reasons; 404
// when no profile answers to the id.
import type { Metadata } from "next";
import { ProfileView } from "@/components/data/profile-view";
import { getDb } from "@/lib/db/client";
import { requireProfile } from "@/lib/pages/lookups";

export const metadata: Metadata = { title: "User" };

export default async function UserPage({ params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  const id = decodeURIComponent(userId);
  await requireProfile((await getDb()).sql, id);
  return <ProfileView id={id} />;
}
