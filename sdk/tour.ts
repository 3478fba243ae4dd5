// The tour chunk (public/sdk-tour.js): driver.js and its CSS, loaded by the SDK only when content
// asks for a tour, so pages without tours never download it.
import { driver, type DriveStep, type Side, type Alignment } from "driver.js";
import css from "driver.js/dist/driver.css";
import type { TourStep } from "./interactions";

type StartOptions = { reducedMotion: boolean; onShow(): void; onComplete(): void; onCancel(): void };

// driver.js leaves the close button pale grey and removes the focus outline of its buttons: keyboard
// users must see where they are, and the accent colour follows the SDK's other elements.
const EXTRA_CSS = `
.driver-popover.pw-tour .driver-popover-close-btn{color:#6b7280}
.driver-popover.pw-tour .driver-popover-footer-btn:focus-visible,
.driver-popover.pw-tour .driver-popover-close-btn:focus-visible{outline:2px solid var(--pw-accent,#4f46e5);outline-offset:2px}
.driver-popover.pw-tour .driver-popover-next-btn{background:var(--pw-accent,#4f46e5);border-color:var(--pw-accent,#4f46e5);color:#fff;text-shadow:none}
`;

function ensureCss(): void {
  if (document.getElementById("pathwise-tour-style")) return;
  const s = document.createElement("style");
  s.id = "pathwise-tour-style";
  s.textContent = css + EXTRA_CSS;
  document.head.appendChild(s);
}

// driver.js writes the title with innerHTML; the title comes from an attribute and is plain text.
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const SIDES = new Set(["top", "right", "bottom", "left"]);
const ALIGNS = new Set(["start", "center", "end"]);

/** Reads data-pw-position: "bottom", "top-start", "left-end"…; unknown parts fall back to bottom, centred. */
export function placement(position: string | undefined): { side: Side; align: Alignment } {
  const [side, align] = (position ?? "").split("-");
  return {
    side: (SIDES.has(side) ? side : "bottom") as Side,
    align: (ALIGNS.has(align) ? align : "center") as Alignment,
  };
}

function start(steps: TourStep[], o: StartOptions): void {
  ensureCss();
  let shown = false;
  let finished = false;
  const tour = driver({
    animate: !o.reducedMotion,
    // Smooth scrolling is motion: skip it for people who asked for less.
    smoothScroll: !o.reducedMotion,
    allowClose: true,
    allowKeyboardControl: true,
    // A stray click on the dimmed page should not end the tour (the × and Escape do).
    overlayClickBehavior: () => undefined,
    popoverClass: "pw-tour",
    nextBtnText: "Next",
    prevBtnText: "Back",
    doneBtnText: "Done",
    steps: steps.map((s, i): DriveStep => {
      const anchor = s.attachTo && document.querySelector(s.attachTo) ? s.attachTo : undefined;
      return {
        ...(anchor ? { element: anchor } : {}),
        popover: {
          ...(s.title ? { title: escapeHtml(s.title) } : {}),
          description: s.text, // sanitized by the SDK before it reaches here
          ...placement(s.position),
          showButtons: i > 0 ? ["previous", "next", "close"] : ["next", "close"],
        },
      };
    }),
    onPopoverRender: (popover) => {
      popover.closeButton.setAttribute("aria-label", "Close the tour");
      if (!shown) {
        shown = true;
        o.onShow();
      }
    },
    // Done on the last step completes; every other way out (×, Escape) is a dismissal.
    onDoneClick: () => finish(true),
    onDestroyStarted: () => finish(false),
  });
  function finish(completed: boolean): void {
    if (finished) return;
    finished = true;
    tour.destroy();
    if (completed) o.onComplete();
    else o.onCancel();
  }
  tour.drive();
}

(window as unknown as { __pathwiseTour: unknown }).__pathwiseTour = { start };
