"use client";
// The signed-in account, known to every console component (to hide what the role may not do).
import { createContext, useContext } from "react";
import type { Role } from "@/lib/auth/roles";

export type ConsoleAccount = { email: string; name: string | null; role: Role };

const AccountContext = createContext<ConsoleAccount | null>(null);

export function AccountProvider({ account, children }: { account: ConsoleAccount; children: React.ReactNode }) {
  return <AccountContext.Provider value={account}>{children}</AccountContext.Provider>;
}

export function useAccount(): ConsoleAccount {
  const a = useContext(AccountContext);
  if (!a) throw new Error("useAccount outside the console");
  return a;
}

export function useCan(need: "editor" | "admin"): boolean {
  const { role } = useAccount();
  return need === "editor" ? role === "editor" || role === "admin" : role === "admin";
}
