// POST /api/v1/t: analytics.js's path for track (apiHost "<host>/api/v1"), the same endpoint (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("track");
export const OPTIONS = corsPreflight;
