// POST /api/v1/i: analytics.js's path for identify (apiHost "<host>/api/v1"), the same endpoint (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("identify");
export const OPTIONS = corsPreflight;
