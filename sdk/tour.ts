// The tour chunk (public/sdk-tour.js): Shepherd and its CSS, loaded by the SDK only when content
// asks for a tour, so pages without tours never download it.
import Shepherd from "shepherd.js";
import css from "shepherd.js/dist/css/shepherd.css";
import type { TourStep } from "./interactions";

type StartOptions = { reducedMotion: boolean; onShow(): void; onComplete(): void; onCancel(): void };

function ensureCss(): void {
  if (document.getElementById("pathwise-tour-style")) return;
  const s = document.createElement("style");
  s.id = "pathwise-tour-style";
  s.textContent = css;
  document.head.appendChild(s);
}

function start(steps: TourStep[], o: StartOptions): void {
  ensureCss();
  const tour = new Shepherd.Tour({
    useModalOverlay: true,
    exitOnEsc: true,
    keyboardNavigation: true,
    defaultStepOptions: {
      cancelIcon: { enabled: true, label: "Close the tour" },
      // Smooth scrolling is motion: skip it for people who asked for less.
      scrollTo: o.reducedMotion ? { behavior: "auto", block: "center" } : { behavior: "smooth", block: "center" },
    },
  });
  steps.forEach((s, i) => {
    const last = i === steps.length - 1;
    tour.addStep({
      id: `pw-step-${i}`,
      title: s.title,
      text: s.text,
      ...(s.attachTo && document.querySelector(s.attachTo) ? { attachTo: { element: s.attachTo, on: (s.position as "bottom") || "bottom" } } : {}),
      buttons: [
        ...(i > 0 ? [{ text: "Back", secondary: true, action: () => tour.back() }] : []),
        { text: last ? "Done" : "Next", action: () => (last ? tour.complete() : tour.next()) },
      ],
    });
  });
  let shown = false;
  tour.on("show", () => {
    if (!shown) o.onShow();
    shown = true;
  });
  tour.on("complete", o.onComplete);
  tour.on("cancel", o.onCancel);
  void tour.start();
}

(window as unknown as { __pathwiseTour: unknown }).__pathwiseTour = { start };
