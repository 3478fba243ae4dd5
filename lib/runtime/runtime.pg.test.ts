// The runtime's integration scenarios on a fresh PostgreSQL database.
import { pgTestDb } from "@/lib/testing/db";
import { runtimeSuite } from "./runtime-suite";

runtimeSuite("PostgreSQL", pgTestDb);
