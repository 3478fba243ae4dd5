// POST /api/v1/group: Segment-compatible group (CONTRACT §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("group");
export const OPTIONS = corsPreflight;
