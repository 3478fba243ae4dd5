// /settings/control-group: the workspace's global control group (docs/api.md §7).
import type { Metadata } from "next";
import { ControlGroupForm } from "@/components/settings/control-group-form";

export const metadata: Metadata = { title: "Control group" };

export default function ControlGroupPage() {
  return (
    <div className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Global control group</h1>
      <p className="mb-6 mt-1 text-sm text-slate-600">
        A share of all users who get no message from any flow. They still enter flows and are counted, so every flow&apos;s results can show what it adds over sending nothing at all.
      </p>
      <ControlGroupForm />
    </div>
  );
}
