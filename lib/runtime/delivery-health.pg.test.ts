// Delivery health on a fresh PostgreSQL database.
import { pgTestDb } from "@/lib/db/testing";
import { deliveryHealthSuite } from "./delivery-health-suite";

deliveryHealthSuite("PostgreSQL", pgTestDb);
