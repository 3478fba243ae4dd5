// GET /api/v1/users?q=&offset=&limit=: profiles by userId, any identity or email trait.
import { route } from "@/lib/http/route";
import { searchProfiles } from "@/lib/profiles/read";

export const GET = route({ name: "users.search", access: "viewer" }, async ({ db, url }) =>
  searchProfiles(db.sql, Object.fromEntries(url.searchParams)),
);
