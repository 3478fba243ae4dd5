// Trait triggers and the global control group on a fresh PostgreSQL database.
import { pgTestDb } from "@/lib/db/testing";
import { traitTriggerSuite } from "./trait-trigger-suite";

traitTriggerSuite("PostgreSQL", pgTestDb);
