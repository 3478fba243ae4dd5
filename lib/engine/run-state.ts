// The stored form of a run (runs.state) and its versions: every state carries `stateVersion`; reading
// upgrades an older state step by step through named upgrades, and refuses a state written by newer
// code (it may mean something this code would misread), as tldraw does for its documents.
//
//   toStoredRun(run) => StoredRun                     what the runtime writes (stateVersion = current)
//   fromStoredRun(raw) => Run | null                  upgrades; null when it is not a run at all
//   RUN_STATE_VERSION, RUN_STATE_UPGRADES             the current version and the named steps to it
//
// Adding a field the engine needs: bump RUN_STATE_VERSION and append an upgrade that gives old states
// the value they implicitly had, with a test in run-state.test.ts.
import type { Run } from "./types";

export type StoredRun = Run & { stateVersion: number };

type RawState = Record<string, unknown>;
export type RunStateUpgrade = { to: number; name: string; up: (state: RawState) => RawState };

export const RUN_STATE_UPGRADES: readonly RunStateUpgrade[] = [
  {
    // States written before versions existed (stateVersion absent = 0) may lack the maps the engine
    // writes into; they meant "none yet".
    to: 1,
    name: "variants and visits default to empty",
    up: (s) => ({ ...s, variants: s.variants ?? {}, visits: s.visits ?? {} }),
  },
  {
    // Fetch nodes keep their answers in the run (data.<as>); older runs fetched nothing.
    to: 2,
    name: "fetch answers (data) default to empty",
    up: (s) => ({ ...s, data: s.data ?? {} }),
  },
];

export const RUN_STATE_VERSION = RUN_STATE_UPGRADES[RUN_STATE_UPGRADES.length - 1].to;

/** A run state written by newer code than this: refused rather than misread. */
export class RunStateTooNew extends Error {
  constructor(
    readonly runId: string | undefined,
    readonly found: number,
  ) {
    super(`Run ${runId ?? "(unknown)"} was stored with state version ${found}; this version of Pathwise reads up to ${RUN_STATE_VERSION}. Upgrade Pathwise.`);
    this.name = "RunStateTooNew";
  }
}

export function toStoredRun(run: Run): StoredRun {
  return { ...run, stateVersion: RUN_STATE_VERSION };
}

/** Reads a stored state into the engine's shape, upgrading it; throws RunStateTooNew for a newer one. */
export function fromStoredRun(raw: unknown): Run | null {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return null;
  let s = raw as RawState;
  const found = s.stateVersion === undefined ? 0 : s.stateVersion;
  if (typeof found !== "number" || !Number.isInteger(found) || found < 0) return null;
  if (found > RUN_STATE_VERSION) throw new RunStateTooNew(typeof s.id === "string" ? s.id : undefined, found);
  for (const step of RUN_STATE_UPGRADES) if (step.to > found) s = step.up(s);
  if (typeof s.nodeId !== "string" || typeof s.status !== "string") return null;
  const { stateVersion: _v, ...run } = s;
  void _v;
  return run as unknown as Run;
}
