// Survey scores and time in flow on a fresh PostgreSQL database.
import { pgTestDb } from "@/lib/db/testing";
import { satisfactionSuite } from "./satisfaction-suite";

satisfactionSuite("PostgreSQL", pgTestDb);
