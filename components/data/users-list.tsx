"use client";
// /users: search profiles by userId, anonymousId or email, most recently seen first, paginated.
import Link from "next/link";
import { useState } from "react";
import { useUsers } from "@/components/hooks/use-users";
import { relativeTime, formatNumber } from "@/components/ui/time";
import { ErrorNote, inputClass, Loading, PageShell, secondaryButtonClass } from "./data-tabs";

const PAGE = 50;

export function UsersList() {
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  const [offset, setOffset] = useState(0);
  const users = useUsers(q, offset, PAGE);
  return (
    <PageShell title="Users" intro="Every profile Pathwise knows: identified users and anonymous visitors, with their traits and timelines.">
      <form
        role="search"
        className="mb-4 flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setQ(text.trim());
        }}
      >
        <label htmlFor="user-search" className="sr-only">Search by userId or email</label>
        <input id="user-search" name="q" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Search by userId, anonymousId or email" className={`${inputClass} w-96`} />
        <button type="submit" className={secondaryButtonClass}>Search</button>
      </form>
      {users.isPending ? (
        <Loading label="Loading users" />
      ) : users.isError ? (
        <ErrorNote error={users.error} />
      ) : users.data.users.length === 0 ? (
        <div className="rounded-2xl border-2 border-dashed border-slate-300 bg-white p-10 text-center">
          <h2 className="text-lg font-semibold">{q ? "No profile matches" : "No profiles yet"}</h2>
          <p className="mx-auto mt-2 max-w-md text-sm text-slate-600">
            {q ? "Try a userId prefix, an exact anonymousId or part of an email." : "Profiles appear as soon as events arrive. Send data with a write key, or import a CSV."}
          </p>
          {!q ? <Link href="/data/import" className="mt-4 inline-block text-sm font-medium text-brand-700 hover:underline">Import profiles</Link> : null}
        </div>
      ) : (
        <>
          <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
            <table className="w-full text-left text-sm">
              <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="px-4 py-3 font-medium">User</th>
                  <th scope="col" className="px-4 py-3 font-medium">Email</th>
                  <th scope="col" className="px-4 py-3 font-medium">First seen</th>
                  <th scope="col" className="px-4 py-3 font-medium">Last seen</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {users.data.users.map((u) => {
                  const id = u.userId ?? u.anonymousId ?? u.profileId;
                  return (
                    <tr key={u.profileId} className="hover:bg-slate-50" data-testid="user-row">
                      <td className="px-4 py-3 font-medium">
                        <Link href={`/users/${encodeURIComponent(id)}`} className="text-slate-900 hover:text-brand-700">
                          {u.userId ?? <span className="text-slate-500">anonymous {u.anonymousId}</span>}
                        </Link>
                        {u.name ? <span className="ml-2 text-slate-500">{u.name}</span> : null}
                      </td>
                      <td className="px-4 py-3 text-slate-600">{u.email ?? "—"}</td>
                      <td className="px-4 py-3 text-slate-600">{relativeTime(u.firstSeen)}</td>
                      <td className="px-4 py-3 text-slate-600">{relativeTime(u.lastSeen)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className="mt-3 flex items-center justify-between text-sm text-slate-600">
            <span>
              {formatNumber(offset + 1)}–{formatNumber(offset + users.data.users.length)} of {formatNumber(users.data.total)}
            </span>
            <div className="flex gap-2">
              <button type="button" className={secondaryButtonClass} disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</button>
              <button type="button" className={secondaryButtonClass} disabled={offset + PAGE >= users.data.total} onClick={() => setOffset(offset + PAGE)}>Next</button>
            </div>
          </div>
        </>
      )}
    </PageShell>
  );
}
