// POST /api/v1/s: analytics.js's path for screen (apiHost "<host>/api/v1"), the same endpoint (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("screen");
export const OPTIONS = corsPreflight;
