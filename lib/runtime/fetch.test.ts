// The fetch node's runtime scenarios on an in-memory PGlite.
import { pgliteTestDb } from "@/lib/testing/db";
import { fetchSuite } from "./fetch-suite";

fetchSuite("PGlite", pgliteTestDb);
