// POST /api/v1/identify: Segment-compatible identify (CONTRACT §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("identify");
export const OPTIONS = corsPreflight;
