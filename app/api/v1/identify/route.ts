// POST /api/v1/identify: Segment-compatible identify (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("identify");
export const OPTIONS = corsPreflight;
