// the public API (docs/api.md) against the built server on a fresh PostgreSQL database (DATABASE_URL set).
import { contractSuite } from "./suite";

contractSuite("pg");
