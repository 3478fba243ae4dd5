// One error type for the API with a code → status map (docs/api.md §3): every error answer is JSON
// {"error":{"code","message","details"}} and never leaks internals.
import { z } from "zod";

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details: unknown[] = [],
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details: unknown[] = [], code = "invalid_request") => new ApiError(400, code, message, details);
export const unauthorized = (message = "Missing or unknown API key or session") => new ApiError(401, "unauthorized", message);
export const forbidden = (message = "This key or account may not use this endpoint") => new ApiError(403, "forbidden", message);
export const notFound = (what = "Resource") => new ApiError(404, "not_found", `${what} not found`);
export const tooLarge = (limit: number) => new ApiError(413, "payload_too_large", `The body is larger than the limit of ${limit} bytes`);
export const unprocessable = (message: string, details: unknown[] = [], code = "invalid_flow") => new ApiError(422, code, message, details);
export const conflict = (message: string, details: unknown[] = []) => new ApiError(409, "conflict", message, details);

/** zod issues as docs/api.md §3 details: each names the field path. */
export function zodToDetails(error: z.ZodError, prefix?: string) {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter((p) => p !== undefined && p !== "").join("."),
    message: i.message,
    code: i.code,
  }));
}

export function errorBody(code: string, message: string, details: unknown[] = []) {
  return { error: { code, message, details } };
}

/** An error as the status, headers and JSON text of its answer (docs/api.md §3); unknown errors are a 500 that leaks nothing. */
export function errorReply(err: unknown): { status: number; headers: Record<string, string>; json: string } {
  if (err instanceof ApiError) {
    return { status: err.status, headers: { ...err.headers }, json: JSON.stringify(errorBody(err.code, err.message, err.details)) };
  }
  if (err instanceof z.ZodError) {
    return { status: 400, headers: {}, json: JSON.stringify(errorBody("invalid_request", "The request body has fields of the wrong shape", zodToDetails(err))) };
  }
  console.error("[api] unexpected error:", err);
  return { status: 500, headers: {}, json: JSON.stringify(errorBody("internal_error", "Something went wrong on our side; the request was not completed")) };
}

export function errorResponse(err: unknown): Response {
  const r = errorReply(err);
  return new Response(r.json, { status: r.status, headers: { ...r.headers, "content-type": "application/json" } });
}
