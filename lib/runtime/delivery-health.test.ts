// Delivery health on an in-memory PGlite.
import { pgliteTestDb } from "@/lib/db/testing";
import { deliveryHealthSuite } from "./delivery-health-suite";

deliveryHealthSuite("PGlite", pgliteTestDb);
