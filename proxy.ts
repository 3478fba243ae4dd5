// Sends unsigned visitors of console pages to /login before any page work, tells server components
// which path was asked for (so /login can send people back). It never runs for /api/ (see the matcher);
// /api/v1 preflights are answered by the data plane (lib/dataplane/server.ts).
import { NextResponse, type NextRequest } from "next/server";

const PUBLIC_PREFIXES = ["/login", "/_next/", "/demo", "/sdk", "/favicon", "/icon", "/robots.txt"];

export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  if (PUBLIC_PREFIXES.some((p) => pathname === p || pathname.startsWith(p))) return NextResponse.next();
  if (!req.cookies.get("pw_session")) {
    const url = req.nextUrl.clone();
    url.pathname = "/login";
    url.search = `?next=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(url);
  }
  const headers = new Headers(req.headers);
  headers.set("x-pathname", pathname + search);
  return NextResponse.next({ request: { headers } });
}

// Never /api/: a proxy in front of a route caps its request body at 10 MB and cuts larger ones
// silently (imports up to 100 MB were truncated); API routes authenticate for themselves.
export const config = { matcher: ["/((?!api/|api$|_next/static|_next/image|favicon.ico|icon.svg|sdk).*)"] };
