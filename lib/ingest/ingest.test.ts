// docs/api.md §4 and §7 through the route handlers on the embedded store (PGlite, in memory).
import { ingestSuite } from "./ingest-suite";

ingestSuite("pglite");
