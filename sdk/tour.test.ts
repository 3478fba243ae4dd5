// @vitest-environment jsdom
// The committed tour chunk (public/sdk-tour.js) in a DOM: steps, buttons and the three outcomes.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { TourStep } from "./interactions";

type TourApi = { start(steps: TourStep[], o: { reducedMotion: boolean; onShow(): void; onComplete(): void; onCancel(): void }): void };
let api: TourApi;

beforeAll(() => {
  const code = readFileSync(path.join(import.meta.dirname, "..", "public", "sdk-tour.js"), "utf8");
  // Indirect eval runs the IIFE in the global scope, as a script tag would.
  (0, eval)(code);
  api = (window as unknown as { __pathwiseTour: TourApi }).__pathwiseTour;
});

beforeEach(() => {
  document.body.innerHTML = '<h1 id="title">Store</h1><div id="cart">Cart</div>';
});

const steps: TourStep[] = [
  { title: "Welcome <b>there</b>", text: "<p>Three products.</p>", attachTo: "#title" },
  { title: "Your cart", text: "What you add waits here.", attachTo: "#cart", position: "top-start" },
  { title: "Nowhere", text: "No anchor on this page.", attachTo: "#missing" },
];

function hooks() {
  return { onShow: vi.fn(), onComplete: vi.fn(), onCancel: vi.fn() };
}

function dialog(): HTMLElement {
  const d = document.querySelector<HTMLElement>('[role="dialog"]');
  if (!d) throw new Error("no tour dialog");
  return d;
}

function button(label: string): HTMLButtonElement {
  const b = Array.from(dialog().querySelectorAll("button")).find((x) => x.textContent === label && x.style.display !== "none");
  if (!b) throw new Error(`no visible ${label} button`);
  return b;
}

describe("tour chunk", () => {
  it("registers itself and bundles no AGPL code", () => {
    expect(typeof api.start).toBe("function");
    expect(readFileSync(path.join(import.meta.dirname, "..", "public", "sdk-tour.js"), "utf8")).not.toMatch(/shepherd/i);
  });

  it("walks the steps and records shown once and clicked on Done", () => {
    const h = hooks();
    api.start(steps, { reducedMotion: true, ...h });
    expect(h.onShow).toHaveBeenCalledTimes(1);
    expect(document.getElementById("pathwise-tour-style")).not.toBeNull();
    // The title is text: markup in the attribute must not become elements.
    expect(dialog().querySelector("header")?.textContent).toBe("Welcome <b>there</b>");
    expect(dialog().querySelector("header b")).toBeNull();
    expect(dialog().textContent).toContain("Three products.");
    expect(() => button("Back")).toThrow();
    button("Next").click();
    expect(dialog().textContent).toContain("What you add waits here.");
    button("Back").click();
    expect(dialog().textContent).toContain("Three products.");
    button("Next").click();
    button("Next").click();
    expect(dialog().textContent).toContain("No anchor on this page.");
    button("Done").click();
    expect(document.querySelector('[role="dialog"]')).toBeNull();
    expect(h.onShow).toHaveBeenCalledTimes(1);
    expect(h.onComplete).toHaveBeenCalledTimes(1);
    expect(h.onCancel).not.toHaveBeenCalled();
  });

  it("records dismissed when closed with the × or Escape, never both outcomes", () => {
    const a = hooks();
    api.start(steps, { reducedMotion: true, ...a });
    const close = dialog().querySelector<HTMLButtonElement>('button[aria-label="Close the tour"]');
    expect(close).not.toBeNull();
    close!.click();
    expect(document.querySelector('[role="dialog"]')).toBeNull();
    expect(a.onCancel).toHaveBeenCalledTimes(1);
    expect(a.onComplete).not.toHaveBeenCalled();

    const b = hooks();
    api.start(steps, { reducedMotion: true, ...b });
    button("Next").click();
    window.dispatchEvent(new KeyboardEvent("keyup", { key: "Escape" }));
    expect(document.querySelector('[role="dialog"]')).toBeNull();
    expect(b.onCancel).toHaveBeenCalledTimes(1);
    expect(b.onComplete).not.toHaveBeenCalled();
  });

  it("does not animate under reduced motion", () => {
    api.start(steps, { reducedMotion: true, ...hooks() });
    expect(document.body.classList.contains("driver-simple")).toBe(true);
    expect(document.body.classList.contains("driver-fade")).toBe(false);
    button("Next").click();
    button("Next").click();
    button("Done").click();
  });
});
