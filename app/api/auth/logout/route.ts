// POST /api/auth/logout: ends the session and clears the cookie.
import { getDb } from "@/lib/db/client";
import { deleteSession, SESSION_COOKIE } from "@/lib/auth/sessions";
import { errorBody } from "@/lib/http/errors";

export async function POST(req: Request) {
  // Another site may not sign people out (logout CSRF): browsers send Origin on cross-site POSTs.
  const origin = req.headers.get("origin");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (origin && origin !== "null" && (() => { try { return new URL(origin).host !== host; } catch { return true; } })()) {
    return Response.json(errorBody("forbidden", "Sign out from this site's own pages"), { status: 403 });
  }
  const token = req.headers.get("cookie")?.split(";").map((c) => c.trim()).find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1);
  if (token) await deleteSession(await getDb(), decodeURIComponent(token)).catch(() => undefined);
  const headers = { "set-cookie": `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` };
  if ((req.headers.get("accept") ?? "").includes("application/json")) return Response.json({ success: true }, { headers });
  return new Response(null, { status: 303, headers: { ...headers, location: "/login" } });
}
