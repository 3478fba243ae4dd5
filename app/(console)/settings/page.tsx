// /settings: opens the first settings page.
import { redirect } from "next/navigation";

export default function SettingsIndex() {
  redirect("/settings/keys");
}
