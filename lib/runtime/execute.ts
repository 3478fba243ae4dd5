// The executor's entry point for ingestion: moves every affected run of this profile for the events
// just stored, in the caller's transaction (read-your-writes). Implemented with the engine.
import type { Sql } from "@/lib/db/sql";
import type { ProfileState, StoredEvent } from "./types";

export type ExecuteOptions = {
  /** True when this batch holds the profile's first identify (identify triggers). */
  firstIdentify: boolean;
  now: Date;
};

/**
 * Called by ingestion once per profile per request, after the events are inserted and the profile's
 * traits and summary are updated, inside the same transaction, with the profile row locked.
 * May update profile.traits (update nodes) and writes them back itself.
 */
export async function runFlowsForEvents(sql: Sql, profile: ProfileState, events: StoredEvent[], opts: ExecuteOptions): Promise<void> {
  void sql;
  void profile;
  void events;
  void opts;
}
