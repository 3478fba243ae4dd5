// Stored flow documents carry a schemaVersion; loading upgrades old documents one named step at a
// time, then parses. Version 1 is the first: documents without a version are taken as version 1.
import { SCHEMA_VERSION } from "./schema";

export type StoredDocument = { schemaVersion: number; graph: unknown; settings: unknown };

type Upgrade = (doc: StoredDocument) => StoredDocument;

/** UPGRADES[n] turns a version-n document into version n+1. */
export const UPGRADES: Record<number, Upgrade> = {};

export function upgradeDocument(input: unknown): StoredDocument {
  const raw = (typeof input === "object" && input !== null ? input : {}) as Partial<StoredDocument>;
  let doc: StoredDocument = {
    schemaVersion: typeof raw.schemaVersion === "number" ? raw.schemaVersion : 1,
    graph: raw.graph ?? { nodes: [], edges: [] },
    settings: raw.settings ?? {},
  };
  while (doc.schemaVersion < SCHEMA_VERSION) {
    const step = UPGRADES[doc.schemaVersion];
    if (!step) throw new Error(`No upgrade from flow schema version ${doc.schemaVersion}`);
    doc = step(doc);
  }
  return doc;
}
