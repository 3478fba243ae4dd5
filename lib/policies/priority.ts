// Flow priority for a placement: when several runs offer an in-app message for the same placement,
// the flow with the higher settings.priority wins, then the newest touchpoint, then the flow id (so two
// servers always answer alike).
export type PlacementCandidate = {
  flowId: string;
  /** The flow's settings.priority (0–100, higher wins). */
  priority: number;
  /** When the touchpoint became available (epoch ms or Date); newer wins on equal priority. */
  at: number | Date;
  /** A finer creation order within one instant (e.g. touchpoints.seq), newer wins. */
  seq?: number;
};

const time = (t: number | Date) => (typeof t === "number" ? t : t.getTime());

/** Orders candidates best first; does not modify the input. */
export function rankPlacement<T extends PlacementCandidate>(candidates: readonly T[]): T[] {
  return [...candidates].sort(
    (a, b) => b.priority - a.priority || time(b.at) - time(a.at) || (b.seq ?? 0) - (a.seq ?? 0) || (a.flowId < b.flowId ? -1 : a.flowId > b.flowId ? 1 : 0),
  );
}

/** The candidate shown for a placement, or null when there is none. */
export function resolvePlacement<T extends PlacementCandidate>(candidates: readonly T[]): T | null {
  return rankPlacement(candidates)[0] ?? null;
}

/** SQL ORDER BY for the same rule over touchpoints joined with flows (aliases t and f). */
export const PLACEMENT_ORDER_SQL = `f.priority DESC, t.created_at DESC, t.seq DESC, t.flow_id ASC`;
