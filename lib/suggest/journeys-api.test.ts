// The editor's data endpoints on an in-memory PGlite.
import { pgliteTestDb } from "@/lib/db/testing";
import { journeysApiSuite } from "./journeys-api-suite";

journeysApiSuite("PGlite", pgliteTestDb);
