// Stored run states: every version upgrades to the current one by its named steps; a newer one is refused.
import { describe, expect, it } from "vitest";
import { fromStoredRun, RUN_STATE_UPGRADES, RUN_STATE_VERSION, RunStateTooNew, toStoredRun } from "./run-state";
import type { Run } from "./types";

const run: Run = {
  id: "f1:p1:1",
  flowId: "f1",
  versionId: "v1",
  version: 1,
  profileId: "p1",
  entry: 1,
  status: "waiting",
  nodeId: "w1",
  triggerNodeId: "t1",
  holdout: false,
  variants: { s1: "a" },
  visits: { t1: 1, w1: 1 },
  wait: { nodeId: "w1", kind: "for", until: 1000, timerId: "w1:1", since: 0 },
  event: { name: "Viewed", properties: {} },
  enteredAt: 0,
};

describe("run state versions", () => {
  it("writes the current version and reads it back unchanged", () => {
    const stored = toStoredRun(run);
    expect(stored.stateVersion).toBe(RUN_STATE_VERSION);
    expect(fromStoredRun(JSON.parse(JSON.stringify(stored)))).toEqual(run);
  });

  it("upgrades a state written before versions existed (v0 -> v1: empty variants and visits)", () => {
    const { variants: _a, visits: _b, ...v0 } = run;
    void _a;
    void _b;
    expect(fromStoredRun(v0)).toEqual({ ...run, variants: {}, visits: {}, data: {} });
    expect(RUN_STATE_UPGRADES.map((u) => [u.to, u.name])).toEqual([
      [1, "variants and visits default to empty"],
      [2, "fetch answers (data) default to empty"],
    ]);
  });

  it("upgrades a v1 state (before fetch nodes) to empty fetch answers, keeping everything else", () => {
    const v1 = { ...run, stateVersion: 1 };
    expect(fromStoredRun(v1)).toEqual({ ...run, data: {} });
    const withData = { ...run, data: { tut: { title: "x" } } };
    expect(fromStoredRun(JSON.parse(JSON.stringify(toStoredRun(withData))))).toEqual(withData);
  });

  it("refuses a state written by newer code instead of misreading it", () => {
    expect(() => fromStoredRun({ ...toStoredRun(run), stateVersion: RUN_STATE_VERSION + 1 })).toThrow(RunStateTooNew);
    expect(() => fromStoredRun({ ...toStoredRun(run), stateVersion: RUN_STATE_VERSION + 1 })).toThrow(/state version 3.*reads up to 2/);
  });

  it("is null for what is not a run state", () => {
    expect(fromStoredRun(null)).toBeNull();
    expect(fromStoredRun([])).toBeNull();
    expect(fromStoredRun({ stateVersion: "x", nodeId: "a", status: "active" })).toBeNull();
    expect(fromStoredRun({ stateVersion: 1 })).toBeNull();
  });
});
