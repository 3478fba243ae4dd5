// POST /api/v1/screen: Segment-compatible screen (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("screen");
export const OPTIONS = corsPreflight;
