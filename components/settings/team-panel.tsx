"use client";
// Team: who can enter the console and with which role (viewers read, editors change flows and data,
// admins also manage keys, accounts and erasure). Admin only.
import { useState } from "react";
import { useAccount, useCan } from "@/components/account-context";
import { useAccounts, useChangeRole, useCreateAccount, useRemoveAccount, type AccountItem } from "@/components/hooks/use-accounts";
import { ROLES, type Role } from "@/lib/auth/roles";
import { relativeTime } from "@/components/ui/time";

const ROLE_HELP: Record<Role, string> = {
  viewer: "reads flows, results and profiles",
  editor: "also edits, publishes and pauses flows and changes data",
  admin: "also manages API keys, the team and erasure",
};

const inputClass = "w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand-600";
const buttonClass = "rounded-md px-4 py-2 text-sm font-semibold focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:opacity-50";

export function TeamPanel() {
  const isAdmin = useCan("admin");
  if (!isAdmin) {
    return (
      <div className="mx-auto max-w-4xl px-4 py-8">
        <h1 className="text-2xl font-semibold">Team</h1>
        <p className="mt-4 rounded-md bg-amber-50 p-4 text-sm text-amber-900">Only admins can see and manage the team.</p>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Team</h1>
      <p className="mt-1 text-sm text-slate-600">
        Viewers {ROLE_HELP.viewer}; editors {ROLE_HELP.editor}; admins {ROLE_HELP.admin}. There is always at least one admin.
      </p>
      <AddAccountForm />
      <AccountList />
    </div>
  );
}

function AddAccountForm() {
  const create = useCreateAccount();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [added, setAdded] = useState<string | null>(null);
  return (
    <form
      aria-label="Add a team member"
      className="mt-6 grid gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-end"
      onSubmit={(e) => {
        e.preventDefault();
        setAdded(null);
        create.mutate(
          { email: email.trim(), password, role },
          {
            onSuccess: (r) => {
              setAdded(r.account.email);
              setEmail("");
              setPassword("");
            },
          },
        );
      }}
    >
      <label>
        <span className="mb-1 block text-sm font-medium text-slate-700">Email</span>
        <input type="email" required autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} className={inputClass} />
      </label>
      <label>
        <span className="mb-1 block text-sm font-medium text-slate-700">Initial password</span>
        <input type="password" required minLength={8} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />
      </label>
      <label>
        <span className="mb-1 block text-sm font-medium text-slate-700">Role</span>
        <select value={role} onChange={(e) => setRole(e.target.value as Role)} className={inputClass}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={create.isPending} className={`${buttonClass} bg-brand-600 text-white hover:bg-brand-700`}>
        {create.isPending ? "Adding…" : "Add member"}
      </button>
      {create.isError ? (
        <p role="alert" className="text-sm text-red-700 sm:col-span-4">
          {create.error.message}
        </p>
      ) : null}
      {added ? (
        <p role="status" className="text-sm text-emerald-800 sm:col-span-4">
          {added} can now sign in with the password you set.
        </p>
      ) : null}
    </form>
  );
}

function AccountList() {
  const accounts = useAccounts();
  const me = useAccount();
  const changeRole = useChangeRole();
  const remove = useRemoveAccount();
  const error = changeRole.error ?? remove.error;
  return (
    <div className="mt-6 overflow-hidden rounded-xl border border-slate-200 bg-white">
      {error ? (
        <p role="alert" className="border-b border-red-100 bg-red-50 px-4 py-2 text-sm text-red-800">
          {error.message}
        </p>
      ) : null}
      {accounts.isPending ? (
        <p className="p-4 text-sm text-slate-500">Loading the team…</p>
      ) : accounts.isError ? (
        <p role="alert" className="p-4 text-sm text-red-700">
          {accounts.error.message}
        </p>
      ) : accounts.data.length === 0 ? (
        <p className="p-6 text-center text-sm text-slate-600">No accounts yet.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-3 font-medium">Member</th>
              <th scope="col" className="px-4 py-3 font-medium">Role</th>
              <th scope="col" className="px-4 py-3 font-medium">Added</th>
              <th scope="col" className="px-4 py-3 font-medium"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {accounts.data.map((a) => (
              <AccountRow
                key={a.id}
                account={a}
                isMe={a.email === me.email}
                busy={(changeRole.isPending && changeRole.variables?.id === a.id) || (remove.isPending && remove.variables === a.id)}
                onRole={(role) => changeRole.mutate({ id: a.id, role })}
                onRemove={() => {
                  if (window.confirm(`Remove ${a.email}? They are signed out at once.`)) remove.mutate(a.id);
                }}
              />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function AccountRow({ account, isMe, busy, onRole, onRemove }: { account: AccountItem; isMe: boolean; busy: boolean; onRole: (r: Role) => void; onRemove: () => void }) {
  const selectId = `role-${account.id}`;
  return (
    <tr data-testid="team-member" data-email={account.email}>
      <td className="px-4 py-3">
        <span className="font-medium text-slate-900">{account.name ?? account.email}</span>
        {account.name ? <span className="block text-xs text-slate-500">{account.email}</span> : null}
        {isMe ? <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-500">you</span> : null}
      </td>
      <td className="px-4 py-3">
        <label htmlFor={selectId} className="sr-only">
          Role of {account.email}
        </label>
        <select
          id={selectId}
          value={account.role}
          disabled={busy}
          onChange={(e) => onRole(e.target.value as Role)}
          className="rounded-md border border-slate-300 px-2 py-1 text-sm focus-visible:outline-2 focus-visible:outline-brand-600"
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </td>
      <td className="px-4 py-3 text-slate-600">{relativeTime(account.createdAt)}</td>
      <td className="px-4 py-3 text-right">
        <button
          type="button"
          disabled={busy}
          onClick={onRemove}
          className="rounded-md px-2 py-1 text-sm text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-red-600 disabled:opacity-50"
        >
          Remove<span className="sr-only"> {account.email}</span>
        </button>
      </td>
    </tr>
  );
}
