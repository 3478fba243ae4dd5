// POST /api/v1/page: Segment-compatible page (docs/api.md §4).
import { corsPreflight, ingestRoute } from "@/lib/ingest/endpoint";

export const POST = ingestRoute("page");
export const OPTIONS = corsPreflight;
