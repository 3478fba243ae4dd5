// @vitest-environment jsdom
// The survey micro-interaction (data-pw-kind="survey"): an NPS (0–10) or rating (1–5) question whose
// answer goes to /outcomes as type "answered" with its score, against a real HTTP server; and the
// preview renderer the console's composer uses (no network, outcomes reported to a callback).
import { describe, expect, it } from "vitest";
import { createClient } from "./client";
import { decision, fakeApi, until } from "./test-support";

const api = fakeApi('<div id="slot"></div>');
const requests = api.requests;

const outcomes = () => requests.filter((r) => r.path === "/api/v1/outcomes").map((r) => r.body);

describe("survey", () => {
  it("an NPS question renders 0–10 and records the answer with its score once", async () => {
    api.decisions = { nps: decision('<div data-pw-kind="survey" data-pw-scale="nps" data-pw-title="How likely are you to recommend us?" data-pw-low="Not likely" data-pw-high="Very likely" data-pw-thanks="Merci!"></div>') };
    const c = createClient("http://unused.invalid");
    c.init({ writeKey: "pw_wk_test", apiHost: api.host, flushInterval: 10 });
    await c.placement("#slot", "nps");
    const group = document.querySelector('#slot [role="radiogroup"]')!;
    expect(group.getAttribute("aria-label")).toBe("How likely are you to recommend us?");
    const buttons = Array.from(group.querySelectorAll("button"));
    expect(buttons.map((b) => b.textContent)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expect(document.querySelector("#slot")!.textContent).toContain("Not likely");
    buttons[9].click();
    await until(() => outcomes().some((o) => o.type === "answered"));
    expect(outcomes().find((o) => o.type === "answered")).toEqual({ decisionId: "d1", type: "answered", score: 9 });
    // Answered: the scale gives way to the thanks, a second click cannot answer again.
    expect(document.querySelector("#slot")!.textContent).toContain("Merci!");
    expect(document.querySelectorAll('#slot [role="radiogroup"] button')).toHaveLength(0);
    expect(outcomes().filter((o) => o.type === "answered")).toHaveLength(1);
    expect(outcomes().some((o) => o.type === "shown")).toBe(true);
  });

  it("a rating renders 1–5 stars, named for screen readers", async () => {
    api.decisions = { r: decision('<div data-pw-kind="survey" data-pw-scale="rating" data-pw-title="How was onboarding?"><p>Tell us</p></div>', "d2") };
    const c = createClient("http://unused.invalid");
    c.init({ writeKey: "pw_wk_test", apiHost: api.host, flushInterval: 10 });
    await c.placement("#slot", "r");
    const buttons = Array.from(document.querySelectorAll<HTMLButtonElement>('#slot [role="radiogroup"] button'));
    expect(buttons.map((b) => b.getAttribute("aria-label"))).toEqual(["1 of 5", "2 of 5", "3 of 5", "4 of 5", "5 of 5"]);
    expect(document.querySelector("#slot")!.textContent).toContain("Tell us");
    buttons[3].click();
    await until(() => outcomes().some((o) => o.type === "answered"));
    expect(outcomes().find((o) => o.type === "answered")).toMatchObject({ decisionId: "d2", score: 4 });
    expect(document.querySelector("#slot")!.textContent).toContain("Thanks");
  });

  it("preview renders any kind without a write key or network, reporting outcomes to a callback", async () => {
    const c = createClient("http://unused.invalid");
    const seen: unknown[] = [];
    c.preview(document.querySelector("#slot")!, '<div data-pw-kind="survey" data-pw-scale="nps" data-pw-title="Q"></div>', { onOutcome: (type, score) => seen.push([type, score]) });
    document.querySelectorAll<HTMLButtonElement>('#slot [role="radiogroup"] button')[10].click();
    expect(seen).toContainEqual(["answered", 10]);
    c.preview(document.querySelector("#slot")!, '<span data-pw-kind="badge">Top Buyer</span>');
    expect(document.querySelector("#slot .pw-badge")!.textContent).toBe("Top Buyer");
    expect(requests).toHaveLength(0);
  });
});

describe("modal", () => {
  it("shows a titled dialog over the page; the dimmed page, × or Escape dismisses it", async () => {
    api.decisions = { m: decision('<div data-pw-kind="modal" data-pw-title="Welcome aboard"><p>Take the tour</p></div>', "d3") };
    const c = createClient("http://unused.invalid");
    c.init({ writeKey: "pw_wk_test", apiHost: api.host, flushInterval: 10 });
    await c.placement("#slot", "m");
    const dialog = document.querySelector<HTMLElement>('.pw-overlay [role="dialog"]')!;
    expect(dialog.getAttribute("aria-label")).toBe("Welcome aboard");
    expect(dialog.textContent).toContain("Take the tour");
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    await until(() => outcomes().some((o) => o.type === "dismissed"));
    expect(document.querySelector(".pw-overlay")).toBeNull();
  });
});
