// POST /api/v1/b: analytics.js's path for batch (apiHost "<host>/api/v1"), the same endpoint (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("batch");
export const OPTIONS = corsPreflight;
