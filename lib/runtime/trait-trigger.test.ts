// Trait triggers and the global control group on an in-memory PGlite.
import { pgliteTestDb } from "@/lib/db/testing";
import { traitTriggerSuite } from "./trait-trigger-suite";

traitTriggerSuite("PGlite", pgliteTestDb);
