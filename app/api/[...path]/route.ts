// Any /api path that is not an endpoint: a JSON 404, never an HTML page.
import { errorBody } from "@/lib/http/errors";

const notFound = (req: Request) =>
  Response.json(errorBody("not_found", `No endpoint at ${req.method} ${new URL(req.url).pathname}`), { status: 404 });

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
