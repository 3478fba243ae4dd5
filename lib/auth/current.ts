// The signed-in console account for server components; pages call requireAccount() to send an
// unsigned visitor to /login.
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { findSession, SESSION_COOKIE, type SessionAccount } from "./sessions";

export async function currentAccount(): Promise<SessionAccount | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  return findSession(await getDb(), token);
}

export async function requireAccount(): Promise<SessionAccount> {
  const account = await currentAccount();
  if (!account) {
    const path = (await headers()).get("x-pathname") ?? "/flows";
    redirect(`/login?next=${encodeURIComponent(path)}`);
  }
  return account;
}
