// POST /api/v1/group: Segment-compatible group (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("group");
export const OPTIONS = corsPreflight;
