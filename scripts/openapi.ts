// Writes the OpenAPI document the server serves (same code, no server needed) to a file, for the
// linter (`npm run lint:openapi`) and for people who want it offline: `tsx scripts/openapi.ts out.json`.
import { writeFileSync } from "node:fs";
import { apiDocument } from "@/lib/http/api-document";

const out = process.argv[2] ?? "openapi.json";
writeFileSync(out, JSON.stringify(apiDocument(), null, 2) + "\n");
console.log(`wrote ${out}`);
