// /login: one form (email, password, one submit button) that signs a console account in.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentAccount } from "@/lib/auth/current";
import { safeNext } from "@/lib/auth/redirect";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const MESSAGES: Record<string, string> = {
  invalid_credentials: "That email and password do not match an account.",
  missing_credentials: "Enter your email and password.",
  too_many_attempts: "Too many failed attempts. Wait a few minutes and try again.",
  forbidden: "Sign in from this page.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string; next?: string }> }) {
  const { error, next } = await searchParams;
  if (await currentAccount().catch(() => null)) redirect(safeNext(next));
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-br from-slate-50 to-brand-50 px-4">
      <div className="w-full max-w-sm rounded-2xl border border-slate-200 bg-white p-8 shadow-sm">
        <div className="mb-6 flex items-center gap-2">
          <span aria-hidden className="inline-block h-8 w-8 rounded-lg bg-gradient-to-br from-brand-500 to-emerald-500" />
          <h1 className="text-xl font-semibold">Sign in to Pathwise</h1>
        </div>
        {error ? (
          <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {MESSAGES[error] ?? "Sign-in failed. Try again."}
          </p>
        ) : null}
        <form action="/api/auth/login" method="post" className="space-y-4">
          <input type="hidden" name="next" value={safeNext(next)} />
          <label className="block">
            <span className="mb-1 block text-sm font-medium text-slate-700">Email</span>
            <input name="email" type="email" autoComplete="username" required autoFocus className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-brand-500 focus:outline-none" />
          </label>
          <label className="block">
            <span className="mb-1 block text-sm font-medium text-slate-700">Password</span>
            <input name="password" type="password" autoComplete="current-password" required className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-brand-500 focus:outline-none" />
          </label>
          <button type="submit" className="w-full rounded-md bg-brand-600 px-3 py-2 text-sm font-semibold text-white hover:bg-brand-700">
            Sign in
          </button>
        </form>
      </div>
    </main>
  );
}
