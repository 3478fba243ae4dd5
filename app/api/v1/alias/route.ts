// POST /api/v1/alias: Segment-compatible alias (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("alias");
export const OPTIONS = corsPreflight;
