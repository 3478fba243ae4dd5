// The fetch node's runtime scenarios on a fresh PostgreSQL database.
import { pgTestDb } from "@/lib/testing/db";
import { fetchSuite } from "./fetch-suite";

fetchSuite("PostgreSQL", pgTestDb);
