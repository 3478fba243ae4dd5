// One name for a step everywhere: its label, else a name made from what it does.
import { describe, expect, it } from "vitest";
import { stepName, stepNames } from "./step-name";

describe("stepName", () => {
  it("prefers the label and falls back on what the step does", () => {
    expect(stepName({ type: "message", label: "Admin tour", data: { channel: "in_app", placement: "banner", content: "x" } })).toBe("Admin tour");
    expect(stepName({ type: "message", label: "  ", data: { channel: "in_app", placement: "banner", content: "x" } })).toBe("In-app: banner");
    expect(stepName({ type: "wait", data: { for: "P1D" } })).toBe("Wait P1D");
  });

  it("adds the id where two steps would read the same", () => {
    const names = stepNames([
      { id: "a", type: "exit", data: {} },
      { id: "b", type: "exit", data: {} },
      { id: "c", type: "exit", label: "Done", data: {} },
    ]);
    expect([...names.values()]).toEqual(["Exit (a)", "Exit (b)", "Done"]);
  });
});
