// Any /api path that is not an endpoint: a JSON 404, never an HTML page (CORS under /api/v1).
import { apiNotFound, apiNotFoundPreflight } from "@/lib/http/not-found";

export const GET = apiNotFound;
export const POST = apiNotFound;
export const PUT = apiNotFound;
export const PATCH = apiNotFound;
export const DELETE = apiNotFound;
export const OPTIONS = apiNotFoundPreflight;
