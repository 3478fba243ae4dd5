// POST /api/v1/track: Segment-compatible track (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("track");
export const OPTIONS = corsPreflight;
