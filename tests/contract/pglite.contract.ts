// the public API (docs/api.md) against the built server on its embedded store (DATABASE_URL unset), console pages included.
import { contractSuite } from "./suite";

contractSuite("pglite", { console: true });
