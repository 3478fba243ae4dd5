// POST /api/v1/track: Segment-compatible track (CONTRACT §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("track");
export const OPTIONS = corsPreflight;
