// Screen, group, analytics.js paths, gzip and CORS through the route handlers on PostgreSQL.
import { segmentSuite } from "./segment-suite";

segmentSuite("pg");
