// /settings/policies: frequency caps, quiet hours and the default time zone for every flow.
import type { Metadata } from "next";
import { PoliciesForm } from "@/components/policies/policies-form";

export const metadata: Metadata = { title: "Policies" };

export default function PoliciesPage() {
  return (
    <div className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Policies</h1>
      <p className="mb-6 mt-1 text-sm text-slate-600">Rules every flow follows, so nobody gets too many messages or a message at night.</p>
      <PoliciesForm />
    </div>
  );
}
