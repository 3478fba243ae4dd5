// CORS for the endpoints a browser calls from a customer's site with a write key (ingestion,
// /decide, /outcomes): any origin, no cookies (the key travels in the Authorization header).
export const CORS_HEADERS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type, x-pathwise-user-hash",
  "access-control-max-age": "86400",
};

export function corsPreflight() {
  return new Response(null, { status: 204, headers: CORS_HEADERS });
}
