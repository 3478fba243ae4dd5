// Shapes passed between ingestion and the executor inside one transaction.
import type { FetchRequest } from "@/lib/engine";
export type MessageType = "track" | "identify" | "page" | "screen" | "group" | "alias";

/** An event as stored (events table), handed to the executor right after it is written. */
export type StoredEvent = {
  id: number;
  type: MessageType;
  name: string; // track: the event; page: "Page Viewed"; screen: "Screen Viewed"; identify: "Identify"; group: "Group"; alias: "Alias"
  properties: Record<string, unknown>;
  traits?: Record<string, unknown>; // identify: the traits it carried
  timestamp: Date;
  messageId: string | null;
};

/** A profile as the executor sees it; traits and summary are already updated by this batch. */
export type ProfileState = {
  id: string;
  userId: string | null;
  /** Not read by the executor; ingestion leaves it out rather than spend a query on it. */
  anonymousIds?: string[];
  traits: Record<string, unknown>;
  /** The traits of the profile's current group plus its `id` (group.<trait> in conditions and Liquid); loaded by the executor when it needs them. */
  group?: Record<string, unknown> | null;
  summary: unknown; // the event summary of lib/conditions (jsonb)
  firstSeen: Date;
  lastSeen: Date;
};

/** A fetch job's payload: the run it resumes and the rendered request (lib/runtime/fetch.ts runs it). */
export type FetchPayload = {
  runId: string;
  timerId: string;
  nodeId: string;
  profileId: string;
  request: FetchRequest;
  timeoutMs: number;
  cacheForMs: number;
};
