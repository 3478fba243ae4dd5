// POST /api/v1/g: analytics.js's path for group (apiHost "<host>/api/v1"), the same endpoint (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("group");
export const OPTIONS = corsPreflight;
