// POST /api/v1/batch: Segment-compatible batch (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("batch");
export const OPTIONS = corsPreflight;
