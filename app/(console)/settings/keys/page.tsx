// /settings/keys: API keys — create (the secret is shown once), see, revoke.
import type { Metadata } from "next";
import { KeysPanel } from "@/components/settings/keys-panel";

export const metadata: Metadata = { title: "API keys" };

export default function KeysPage() {
  return <KeysPanel />;
}
