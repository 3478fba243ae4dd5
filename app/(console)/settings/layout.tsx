// The settings area: a sub-navigation (API keys, Team, Audit log) above each settings page.
import { SettingsNav } from "@/components/settings/settings-nav";

export default function SettingsLayout({ children }: { children: React.ReactNode }) {
  return (
    <div>
      <div className="mx-auto max-w-4xl px-4 pt-6">
        <p className="text-sm font-medium text-slate-500">Settings</p>
        <SettingsNav />
      </div>
      {children}
    </div>
  );
}
