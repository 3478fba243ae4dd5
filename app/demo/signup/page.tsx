// Sign-up with a role and experience level: identify(userId, {name, email, role, experience}) starts the role-based onboarding.
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { getPathwise } from "../pathwise";
import { ROLES } from "@/lib/demo/flows";
import { LEVELS } from "@/lib/demo/tutorials";

export default function SignupPage() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (form: FormData) => {
    setBusy(true);
    setError(null);
    const name = String(form.get("name") ?? "").trim();
    const email = String(form.get("email") ?? "").trim().toLowerCase();
    const role = String(form.get("role") ?? "member");
    const experience = String(form.get("experience") ?? "beginner");
    const status = await getPathwise();
    if (!status.ready) {
      setError(status.reason);
      setBusy(false);
      return;
    }
    const userId = `shopper-${email}`;
    // The shop's own server signs the id when identity verification is on.
    const signed = (await fetch("/demo/identity", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId }) }).then((r) => r.json())) as { userHash?: string | null };
    try {
      await status.pathwise.identify(userId, { name, email, role, experience }, signed.userHash ? { userHash: signed.userHash } : undefined);
      status.pathwise.track("Signed Up", { role });
      await status.pathwise.flush();
      router.push("/demo/account");
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <>
      <h1 className="text-2xl font-semibold">Create your account</h1>
      <form action={(f) => void submit(f)} className="mt-6 grid max-w-sm gap-4">
        <label className="grid gap-1">
          <span>Name</span>
          <input name="name" required autoComplete="name" className="rounded-md border border-gray-300 px-3 py-2 focus-visible:outline-2 focus-visible:outline-brand-500" />
        </label>
        <label className="grid gap-1">
          <span>Email</span>
          <input name="email" type="email" required autoComplete="email" className="rounded-md border border-gray-300 px-3 py-2 focus-visible:outline-2 focus-visible:outline-brand-500" />
        </label>
        <label className="grid gap-1">
          <span>Role</span>
          <select name="role" defaultValue="member" className="rounded-md border border-gray-300 px-3 py-2 focus-visible:outline-2 focus-visible:outline-brand-500">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r[0].toUpperCase() + r.slice(1)}
              </option>
            ))}
          </select>
        </label>
        <label className="grid gap-1">
          <span>Experience</span>
          <select name="experience" defaultValue="beginner" className="rounded-md border border-gray-300 px-3 py-2 focus-visible:outline-2 focus-visible:outline-brand-500">
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l[0].toUpperCase() + l.slice(1)}
              </option>
            ))}
          </select>
        </label>
        {error && (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy} className="rounded-md bg-brand-600 px-4 py-2 text-white hover:bg-brand-700 disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500">
          {busy ? "Creating…" : "Sign up"}
        </button>
      </form>
    </>
  );
}
