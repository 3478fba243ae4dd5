// POST /api/v1/p: analytics.js's path for page (apiHost "<host>/api/v1"), the same endpoint (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("page");
export const OPTIONS = corsPreflight;
