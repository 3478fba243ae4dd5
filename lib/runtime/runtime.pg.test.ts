// The runtime's integration scenarios on a fresh PostgreSQL database.
import { pgTestDb } from "@/lib/db/testing";
import { runtimeSuite } from "./runtime-suite";

runtimeSuite("PostgreSQL", pgTestDb);
