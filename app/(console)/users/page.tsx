// /users: profiles. The search and profile pages come with data integration.
export default function UsersPage() {
  return (
    <div className="mx-auto max-w-6xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Users</h1>
      <p className="mt-2 text-sm text-slate-600">Profiles appear here once events arrive.</p>
    </div>
  );
}
