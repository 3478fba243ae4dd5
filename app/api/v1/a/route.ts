// POST /api/v1/a: analytics.js's path for alias (apiHost "<host>/api/v1"), the same endpoint (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("alias");
export const OPTIONS = corsPreflight;
