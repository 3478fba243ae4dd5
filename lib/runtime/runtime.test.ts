// The runtime's integration scenarios on an in-memory PGlite.
import { pgliteTestDb } from "@/lib/testing/db";
import { runtimeSuite } from "./runtime-suite";

runtimeSuite("PGlite", pgliteTestDb);
