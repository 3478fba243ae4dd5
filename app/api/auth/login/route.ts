// POST /api/auth/login: signs a console account in from the /login form (or JSON), sets the session
// cookie and sends the browser on. Throttled after repeated failures.
import { getDb } from "@/lib/db/client";
import { verifyLogin } from "@/lib/auth/accounts";
import { createSession, SESSION_COOKIE, SESSION_MAX_AGE_S } from "@/lib/auth/sessions";
import { clearLoginFailures, loginBlockedFor, loginDelayFor, loginKeys, recordLoginFailure } from "@/lib/auth/throttle";
import { safeNext } from "@/lib/auth/redirect";
import { errorBody } from "@/lib/http/errors";
import { readText, KB, UNSTORABLE } from "@/lib/http/body";
import { clientAddress } from "@/lib/http/client-address";

export async function POST(req: Request) {
  const wantsJson = (req.headers.get("content-type") ?? "").includes("application/json");
  const url = new URL(req.url);
  const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}, next?: string) =>
    wantsJson
      ? Response.json(errorBody(code, message), { status, headers })
      : new Response(null, {
          status: 303,
          headers: { location: `/login?error=${encodeURIComponent(code)}${next ? `&next=${encodeURIComponent(next)}` : ""}`, ...headers },
        });
  try {
    const origin = req.headers.get("origin");
    if (origin && new URL(origin).host !== (req.headers.get("x-forwarded-host") ?? req.headers.get("host"))) {
      return fail(403, "forbidden", "Sign in from this site's own login page");
    }
    let text = "";
    try {
      text = await readText(req, 16 * KB);
    } catch {
      return fail(413, "payload_too_large", "The sign-in form is too large");
    }
    let email = "";
    let password = "";
    let next: string | undefined;
    if (wantsJson) {
      try {
        const body = JSON.parse(text) as Record<string, unknown>;
        email = typeof body.email === "string" ? body.email : "";
        password = typeof body.password === "string" ? body.password : "";
        next = typeof body.next === "string" ? body.next : undefined;
      } catch {
        return fail(400, "invalid_json", "The request body is not valid JSON");
      }
    } else {
      const form = new URLSearchParams(text);
      email = form.get("email") ?? "";
      password = form.get("password") ?? "";
      next = form.get("next") ?? undefined;
    }
    if (!email || !password) return fail(400, "missing_credentials", "Enter your email and password", {}, next);
    // No account can have such an email (PostgreSQL cannot even compare it): bad input, not a 500.
    if (UNSTORABLE.test(email) || UNSTORABLE.test(password)) return fail(400, "invalid_credentials", "The email or password holds characters no account can have (NUL or broken UTF-16)", {}, next);
    const keys = loginKeys(email, clientAddress(req));
    const wait = loginBlockedFor(keys);
    if (wait > 0) return fail(429, "too_many_attempts", `Too many failed sign-ins; try again in ${Math.ceil(wait / 60)} minutes`, { "retry-after": String(wait) }, next);
    const delay = loginDelayFor(keys);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const db = await getDb();
    const account = await verifyLogin(db, email, password);
    if (!account) {
      recordLoginFailure(keys);
      return fail(401, "invalid_credentials", "That email and password do not match an account", {}, next);
    }
    clearLoginFailures(keys);
    const { token } = await createSession(db, account.id);
    const secure = url.protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
    const cookie = `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_MAX_AGE_S}${secure ? "; Secure" : ""}`;
    if (wantsJson) return Response.json({ account }, { headers: { "set-cookie": cookie } });
    return new Response(null, { status: 303, headers: { location: safeNext(next), "set-cookie": cookie } });
  } catch (err) {
    console.error("[login]", err);
    return Response.json(errorBody("internal_error", "Sign-in failed on our side"), { status: 500 });
  }
}
