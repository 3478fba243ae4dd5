// The editor's data endpoints on a fresh PostgreSQL database.
import { pgTestDb } from "@/lib/db/testing";
import { journeysApiSuite } from "./journeys-api-suite";

journeysApiSuite("PostgreSQL", pgTestDb);
