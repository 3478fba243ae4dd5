// Placements: asks /decide for every placement on the page in one request, renders each decision,
// and records shown (once visible), clicked and dismissed on /outcomes, each at most once.
import type { Decision, OutcomeType } from "./types";
import { render, tickChecklist, type Rendered } from "./interactions";
import { load, save } from "./storage";

export type PlacementOptions = {
  /** Called after each render with the decision (null: nothing to show). */
  onDecision?(decision: Decision | null): void;
};

export type PlacementHandle = {
  readonly key: string;
  readonly element: Element;
  readonly decision: Decision | null;
  /** Asks again (after flushing queued events) and re-renders if the decision changed. */
  refresh(): Promise<Decision | null>;
  destroy(): void;
};

export type PlacementDeps = {
  decide(keys: string[]): Promise<Record<string, Decision | null>>;
  outcome(decisionId: string, type: OutcomeType, score?: number): void;
  tourSrc: () => string;
  tracked: Set<string>;
  dismissedKey: string;
};

type Slot = {
  key: string;
  element: Element;
  opts: PlacementOptions;
  decision: Decision | null;
  rendered: Rendered | null;
  observer: IntersectionObserver | null;
};

const MAX_DISMISSED = 200;

export class Placements {
  private slots = new Set<Slot>();
  private pending = new Map<string, Array<{ resolve(d: Decision | null): void; reject(e: unknown): void }>>();
  private batch: Promise<void> | null = null;
  private recorded = new Set<string>();
  private dismissed: string[];

  constructor(private deps: PlacementDeps) {
    this.dismissed = load<string[]>(deps.dismissedKey) ?? [];
  }

  async add(element: Element, key: string, opts: PlacementOptions = {}): Promise<PlacementHandle> {
    const slot: Slot = { key, element, opts, decision: null, rendered: null, observer: null };
    this.slots.add(slot);
    await this.update(slot);
    const destroy = () => {
      this.clear(slot);
      this.slots.delete(slot);
    };
    return {
      key,
      element,
      get decision() {
        return slot.decision;
      },
      refresh: () => this.update(slot),
      destroy,
    };
  }

  /** An event was tracked: checklists on the page tick the items waiting for it, at once. */
  eventTracked(event: string): void {
    for (const s of this.slots) if (s.rendered) tickChecklist(s.element, event);
  }

  /** Re-asks every placement on the page (after identify, when the user's flows may have moved). */
  async refreshAll(): Promise<void> {
    await Promise.all(Array.from(this.slots, (s) => this.update(s)));
  }

  private async update(slot: Slot): Promise<Decision | null> {
    let decision: Decision | null;
    try {
      decision = await this.ask(slot.key);
    } catch (e) {
      console.warn(`[pathwise] decide failed: ${(e as Error).message}`);
      return slot.decision; // keep what is shown rather than blank the page on a network error
    }
    if (decision && this.dismissed.includes(touch(decision))) decision = null;
    if (decision?.decisionId === slot.decision?.decisionId && slot.rendered) return decision;
    this.clear(slot);
    slot.decision = decision;
    if (decision) this.show(slot, decision);
    else slot.element.setAttribute("data-pw-empty", "");
    slot.opts.onDecision?.(decision);
    return decision;
  }

  private show(slot: Slot, d: Decision): void {
    slot.element.removeAttribute("data-pw-empty");
    slot.element.setAttribute("data-pw-flow", d.flowId);
    slot.rendered = render(
      slot.element,
      d.content,
      {
        visible: (el) => this.whenVisible(slot, el, d),
        shown: () => this.record(d, "shown"),
        clicked: () => this.record(d, "clicked"),
        answered: (score) => this.record(d, "answered", score),
        dismissed: () => {
          this.record(d, "dismissed");
          this.dismissed = [...this.dismissed.filter((x) => x !== touch(d)), touch(d)].slice(-MAX_DISMISSED);
          save(this.deps.dismissedKey, this.dismissed);
          slot.element.setAttribute("data-pw-empty", "");
        },
      },
      { tourSrc: this.deps.tourSrc(), tracked: this.deps.tracked },
    );
  }

  private whenVisible(slot: Slot, el: Element, d: Decision): void {
    if (typeof IntersectionObserver === "undefined") {
      this.record(d, "shown");
      return;
    }
    slot.observer?.disconnect();
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          // Half of it on screen, or any of it when it is taller than half the viewport.
          const big = e.rootBounds ? e.boundingClientRect.height > e.rootBounds.height / 2 : false;
          if (e.isIntersecting && (e.intersectionRatio >= 0.5 || big)) {
            this.record(d, "shown");
            io.disconnect();
          }
        }
      },
      { threshold: [0, 0.5, 1] },
    );
    io.observe(el);
    slot.observer = io;
  }

  private record(d: Decision, type: OutcomeType, score?: number): void {
    const k = `${d.decisionId}:${type}`;
    if (this.recorded.has(k)) return;
    this.recorded.add(k);
    // Clicking implies it was seen, even if the observer has not fired yet.
    if (type !== "shown" && !this.recorded.has(`${d.decisionId}:shown`)) this.record(d, "shown");
    this.deps.outcome(d.decisionId, type, score);
  }

  private clear(slot: Slot): void {
    slot.observer?.disconnect();
    slot.observer = null;
    slot.rendered?.destroy();
    slot.rendered = null;
  }

  /** Placements asked for in the same tick share one /decide request. */
  private ask(key: string): Promise<Decision | null> {
    return new Promise((resolve, reject) => {
      const list = this.pending.get(key) ?? [];
      list.push({ resolve, reject });
      this.pending.set(key, list);
      if (this.batch) return;
      this.batch = Promise.resolve().then(async () => {
        const waiting = this.pending;
        this.pending = new Map();
        this.batch = null;
        try {
          const decisions = await this.deps.decide(Array.from(waiting.keys()));
          for (const [k, ws] of waiting) for (const w of ws) w.resolve(decisions[k] ?? null);
        } catch (e) {
          for (const ws of waiting.values()) for (const w of ws) w.reject(e);
        }
      });
    });
  }
}

/** What the user dismissed: the flow's message node, so a later decision for it stays hidden. */
const touch = (d: Decision) => `${d.flowId}:${d.nodeId}`;
