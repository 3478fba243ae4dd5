// Screen, group, analytics.js paths, gzip and CORS through the route handlers on the embedded store (PGlite, in memory).
import { segmentSuite } from "./segment-suite";

segmentSuite("pglite");
