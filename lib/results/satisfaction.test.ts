// Survey scores and time in flow on an in-memory PGlite.
import { pgliteTestDb } from "@/lib/db/testing";
import { satisfactionSuite } from "./satisfaction-suite";

satisfactionSuite("PGlite", pgliteTestDb);
