// Renders a decision's content as the micro-interaction it asks for (data-pw-kind on its root
// element): an inline banner (default), a badge, a tooltip anchored to a selector, a progress
// checklist, or a multi-step tour loaded on demand. See docs/sdk.md for the content format.
import { sanitize } from "./sanitize";

export type Kind = "banner" | "badge" | "tooltip" | "checklist" | "tour" | "survey" | "modal";

export type Hooks = {
  /** Call with the element that must become visible for the content to count as shown. */
  visible(el: Element): void;
  /** Shown right away (a tour step is on screen). */
  shown(): void;
  clicked(): void;
  dismissed(): void;
  /** A survey was answered with this score. */
  answered?(score: number): void;
};

export type RenderOptions = {
  tourSrc: string;
  /** Event names this browser has tracked (checklist items marked with data-pw-event). */
  tracked: Set<string>;
  anchorWaitMs?: number;
};

export type Rendered = { kind: Kind; destroy(): void };

export const reducedMotion = (): boolean =>
  typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;

const STYLE_ID = "pathwise-style";
// Animations are opt-out under prefers-reduced-motion both here (CSS) and in JS (no class added).
const CSS = `
.pw-root{font:inherit;color:inherit}
.pw-anim{animation:pw-in .18s ease-out}
@keyframes pw-in{from{opacity:0;transform:translateY(4px)}to{opacity:1;transform:none}}
@media (prefers-reduced-motion: reduce){.pw-anim{animation:none}}
.pw-banner{position:relative;border:1px solid var(--pw-border,#c7d2fe);background:var(--pw-bg,#eef2ff);border-radius:8px;padding:12px 40px 12px 14px}
.pw-close{position:absolute;top:6px;right:6px;border:0;background:transparent;font-size:18px;line-height:1;cursor:pointer;padding:4px 8px;border-radius:4px;color:inherit}
.pw-close:focus-visible,.pw-tooltip :focus-visible,.pw-banner :focus-visible{outline:2px solid var(--pw-accent,#4f46e5);outline-offset:2px}
.pw-badge{display:inline-block;border-radius:999px;padding:2px 10px;font-size:.8em;font-weight:600;background:var(--pw-accent,#4f46e5);color:#fff}
.pw-tooltip{position:absolute;z-index:2147483000;max-width:280px;background:#111827;color:#fff;border-radius:8px;padding:12px 36px 12px 12px;box-shadow:0 8px 24px rgba(0,0,0,.2)}
.pw-tooltip a,.pw-tooltip button:not(.pw-close){color:#fff;text-decoration:underline}
.pw-tooltip::before{content:"";position:absolute;left:var(--pw-arrow,16px);width:10px;height:10px;background:#111827;transform:rotate(45deg)}
.pw-tooltip[data-pw-side=bottom]::before{top:-5px}.pw-tooltip[data-pw-side=top]::before{bottom:-5px}
.pw-checklist{border:1px solid #e5e7eb;border-radius:8px;padding:12px 14px}
.pw-checklist li[data-pw-done]{text-decoration:line-through;opacity:.7}
.pw-progress{height:6px;background:#e5e7eb;border-radius:3px;overflow:hidden;margin:8px 0}
.pw-progress>span{display:block;height:100%;background:var(--pw-accent,#4f46e5)}
.pw-survey{position:relative;border:1px solid var(--pw-border,#c7d2fe);background:var(--pw-bg,#eef2ff);border-radius:8px;padding:12px 40px 12px 14px}
.pw-scale{display:flex;flex-wrap:wrap;gap:4px;margin:8px 0 4px}
.pw-scale button{min-width:2.2em;padding:4px 6px;border:1px solid var(--pw-border,#c7d2fe);border-radius:6px;background:#fff;color:inherit;font:inherit;cursor:pointer}
.pw-scale button:hover{background:var(--pw-accent,#4f46e5);color:#fff}
.pw-scale.pw-stars button{font-size:1.3em;border:0;background:transparent;color:#f59e0b}
.pw-overlay{position:fixed;inset:0;z-index:2147483000;background:rgba(15,23,42,.45);display:flex;align-items:center;justify-content:center;padding:16px}
.pw-modal{position:relative;background:#fff;color:#111827;border-radius:12px;max-width:440px;width:100%;padding:20px 44px 20px 20px;box-shadow:0 20px 50px rgba(0,0,0,.3)}
.pw-ends{display:flex;justify-content:space-between;font-size:.8em;opacity:.75}
`;

function ensureStyle(doc: Document): void {
  if (doc.getElementById(STYLE_ID)) return;
  const s = doc.createElement("style");
  s.id = STYLE_ID;
  s.textContent = CSS;
  doc.head.appendChild(s);
}

function closeButton(doc: Document, onClose: () => void, label = "Dismiss"): HTMLButtonElement {
  const b = doc.createElement("button");
  b.type = "button";
  b.className = "pw-close";
  b.setAttribute("aria-label", label);
  b.setAttribute("data-pw-action", "dismiss");
  b.textContent = "×";
  b.addEventListener("click", (e) => {
    e.stopPropagation();
    onClose();
  });
  return b;
}

/** Clicks inside content count as "clicked" once; data-pw-action="dismiss" elements dismiss instead. */
function wireClicks(root: Element, hooks: Hooks, dismiss: () => void): void {
  root.addEventListener("click", (e) => {
    const target = e.target as Element | null;
    if (target?.closest?.('[data-pw-action="dismiss"]')) {
      dismiss();
      return;
    }
    hooks.clicked();
  });
}

function kindOf(frag: DocumentFragment): { kind: Kind; root: Element | null } {
  const root = frag.querySelector("[data-pw-kind]");
  const k = root?.getAttribute("data-pw-kind");
  if (k === "badge" || k === "tooltip" || k === "checklist" || k === "tour" || k === "banner" || k === "survey" || k === "modal") return { kind: k, root };
  return { kind: "banner", root: null };
}

export function render(container: Element, html: string, hooks: Hooks, opts: RenderOptions): Rendered {
  const doc = container.ownerDocument;
  ensureStyle(doc);
  const frag = sanitize(html, doc);
  const { kind, root } = kindOf(frag);
  const anim = reducedMotion() ? "" : " pw-anim";
  const cleanups: Array<() => void> = [];
  const destroy = () => {
    while (cleanups.length) cleanups.pop()!();
  };

  const wrap = doc.createElement("div");
  wrap.className = `pw-root pw-${kind}${anim}`;
  wrap.setAttribute("data-pw-rendered", kind);
  const dismiss = () => {
    hooks.dismissed();
    destroy();
  };

  if (kind === "tour") {
    startTour(root!, hooks, opts);
    return { kind, destroy };
  }

  wrap.appendChild(frag);
  if (kind === "badge") {
    wrap.setAttribute("role", "status");
  } else if (kind === "checklist") {
    decorateChecklist(wrap, root!, opts.tracked);
  } else if (kind === "survey") {
    decorateSurvey(wrap, root!, hooks);
    wrap.appendChild(closeButton(doc, dismiss));
  } else if (root?.getAttribute("data-pw-dismissible") !== "false") {
    wrap.appendChild(closeButton(doc, dismiss));
  }
  wireClicks(wrap, hooks, dismiss);

  if (kind === "modal") {
    // A centred dialog over a dimmed page; the placement element only marks where it was asked for.
    wrap.setAttribute("role", "dialog");
    wrap.setAttribute("aria-modal", "true");
    wrap.setAttribute("aria-label", root!.getAttribute("data-pw-title") || "Message");
    const title = root!.getAttribute("data-pw-title");
    if (title) {
      const h = doc.createElement("h2");
      h.textContent = title;
      h.style.margin = "0 0 8px";
      h.style.fontSize = "1.15em";
      wrap.insertBefore(h, wrap.firstChild);
    }
    const overlay = doc.createElement("div");
    overlay.className = "pw-overlay";
    overlay.appendChild(wrap);
    overlay.addEventListener("click", (e) => {
      if (e.target === overlay) dismiss();
    });
    doc.body.appendChild(overlay);
    cleanups.push(() => overlay.remove());
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && overlay.isConnected) dismiss();
    };
    doc.addEventListener("keydown", onKey);
    cleanups.push(() => doc.removeEventListener("keydown", onKey));
    (wrap.querySelector(".pw-close") as HTMLElement | null)?.focus();
    hooks.visible(wrap);
    return { kind, destroy };
  }

  if (kind === "tooltip") {
    wrap.setAttribute("role", "dialog");
    wrap.setAttribute("aria-label", root!.getAttribute("data-pw-title") || "Tip");
    const selector = root!.getAttribute("data-pw-anchor") || "";
    cleanups.push(() => wrap.remove());
    const stop = whenAnchor(doc, selector, opts.anchorWaitMs ?? 5000, (anchor) => {
      if (!anchor) {
        // No anchor on this page: show it where the placement is rather than lose it.
        wrap.classList.replace("pw-tooltip", "pw-banner");
        container.replaceChildren(wrap);
      } else {
        doc.body.appendChild(wrap);
        cleanups.push(follow(wrap, anchor, root!.getAttribute("data-pw-position") === "top" ? "top" : "bottom"));
      }
      hooks.visible(wrap);
    });
    cleanups.push(stop);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && wrap.isConnected) dismiss();
    };
    doc.addEventListener("keydown", onKey);
    cleanups.push(() => doc.removeEventListener("keydown", onKey));
    return { kind, destroy };
  }

  container.replaceChildren(wrap);
  cleanups.push(() => wrap.remove());
  hooks.visible(wrap);
  return { kind, destroy };
}

function decorateChecklist(wrap: Element, root: Element, tracked: Set<string>): void {
  const doc = wrap.ownerDocument;
  const items = Array.from(root.querySelectorAll("li"));
  for (const li of items) {
    const ev = li.getAttribute("data-pw-event");
    if (ev && tracked.has(ev)) li.setAttribute("data-pw-done", "");
    if (li.getAttribute("data-pw-done") === "false") li.removeAttribute("data-pw-done");
  }
  const header = doc.createElement("div");
  header.className = "pw-checklist-head";
  const title = root.getAttribute("data-pw-title");
  if (title) {
    const t = doc.createElement("strong");
    t.textContent = title;
    header.appendChild(t);
  }
  const bar = doc.createElement("div");
  bar.className = "pw-progress";
  bar.setAttribute("role", "progressbar");
  bar.setAttribute("aria-valuemin", "0");
  bar.appendChild(doc.createElement("span"));
  header.append(bar, doc.createElement("small"));
  wrap.insertBefore(header, wrap.firstChild);
  showProgress(wrap);
}

/** The checklist's progress (bar and "n of m done") from the items marked done. */
function showProgress(wrap: Element): void {
  const items = Array.from(wrap.querySelectorAll("li"));
  const done = items.filter((li) => li.hasAttribute("data-pw-done")).length;
  const bar = wrap.querySelector(".pw-checklist-head .pw-progress");
  const count = wrap.querySelector(".pw-checklist-head small");
  if (!bar || !count) return;
  bar.setAttribute("aria-valuemax", String(items.length));
  bar.setAttribute("aria-valuenow", String(done));
  bar.setAttribute("aria-label", `${done} of ${items.length} done`);
  (bar.firstElementChild as HTMLElement | null)?.style.setProperty("width", `${items.length ? Math.round((done / items.length) * 100) : 0}%`);
  count.textContent = `${done} of ${items.length} done`;
}

/**
 * An event was just tracked: tick the checklist items in `container` that wait for it and update the
 * progress at once, so the user sees the step done (a goal exit may retire the checklist on the next
 * refresh). Returns whether anything changed.
 */
export function tickChecklist(container: Element, event: string): boolean {
  let changed = false;
  for (const wrap of Array.from(container.querySelectorAll(".pw-checklist"))) {
    for (const li of Array.from(wrap.querySelectorAll("li[data-pw-event]"))) {
      if (li.getAttribute("data-pw-event") === event && !li.hasAttribute("data-pw-done")) {
        li.setAttribute("data-pw-done", "");
        changed = true;
      }
    }
    if (changed) showProgress(wrap);
  }
  return changed;
}

/**
 * A one-question survey: the question (data-pw-title), the content, then a scale of buttons — 0–10
 * for data-pw-scale="nps" (default), 1–5 stars for "rating" — with optional end labels (data-pw-low,
 * data-pw-high). One click answers: hooks.answered(score), and the scale gives way to the thanks.
 */
function decorateSurvey(wrap: Element, root: Element, hooks: Hooks): void {
  const doc = wrap.ownerDocument;
  const rating = root.getAttribute("data-pw-scale") === "rating";
  const question = root.getAttribute("data-pw-title") || (rating ? "How would you rate it?" : "How likely are you to recommend us?");
  const q = doc.createElement("strong");
  q.textContent = question;
  wrap.insertBefore(q, wrap.firstChild);
  const scale = doc.createElement("div");
  scale.className = rating ? "pw-scale pw-stars" : "pw-scale";
  scale.setAttribute("role", "radiogroup");
  scale.setAttribute("aria-label", question);
  const [min, max] = rating ? [1, 5] : [0, 10];
  let answered = false;
  for (let n = min; n <= max; n++) {
    const b = doc.createElement("button");
    b.type = "button";
    b.setAttribute("role", "radio");
    b.setAttribute("aria-checked", "false");
    b.setAttribute("aria-label", `${n} of ${max}`);
    b.setAttribute("data-pw-score", String(n));
    b.textContent = rating ? "★" : String(n);
    b.addEventListener("click", (e) => {
      e.stopPropagation(); // an answer, not a click on the content
      if (answered) return;
      answered = true;
      hooks.answered?.(n);
      const thanks = doc.createElement("p");
      thanks.setAttribute("role", "status");
      thanks.textContent = root.getAttribute("data-pw-thanks") || "Thanks for your answer!";
      scale.replaceWith(thanks);
      ends?.remove();
    });
    scale.appendChild(b);
  }
  const low = root.getAttribute("data-pw-low");
  const high = root.getAttribute("data-pw-high");
  let ends: Element | null = null;
  if (low || high) {
    ends = doc.createElement("div");
    ends.className = "pw-ends";
    const a = doc.createElement("span");
    a.textContent = low || "";
    const z = doc.createElement("span");
    z.textContent = high || "";
    ends.append(a, z);
  }
  wrap.appendChild(scale);
  if (ends) wrap.appendChild(ends);
}

/** Calls back with the anchor once it exists (SPAs render late), or null after `waitMs`. */
function whenAnchor(doc: Document, selector: string, waitMs: number, cb: (el: Element | null) => void): () => void {
  const find = () => {
    try {
      return selector ? doc.querySelector(selector) : null;
    } catch {
      return null; // an invalid selector from content must not break the page
    }
  };
  const now = find();
  if (now || !selector || typeof MutationObserver === "undefined") {
    cb(now);
    return () => undefined;
  }
  let done = false;
  const mo = new MutationObserver(() => {
    const el = find();
    if (el) finish(el);
  });
  const timer = setTimeout(() => finish(null), waitMs);
  function finish(el: Element | null) {
    if (done) return;
    done = true;
    mo.disconnect();
    clearTimeout(timer);
    cb(el);
  }
  mo.observe(doc.body, { childList: true, subtree: true });
  return () => finish(null);
}

/** Keeps the tooltip next to its anchor through scrolling and resizing. */
function follow(tip: HTMLElement, anchor: Element, side: "top" | "bottom"): () => void {
  const win = tip.ownerDocument.defaultView!;
  let frame = 0;
  const place = () => {
    frame = 0;
    const a = anchor.getBoundingClientRect();
    const t = tip.getBoundingClientRect();
    const vw = win.innerWidth || tip.ownerDocument.documentElement.clientWidth;
    let useSide = side;
    if (side === "top" && a.top - t.height - 10 < 0) useSide = "bottom";
    const top = useSide === "bottom" ? a.bottom + 10 : a.top - t.height - 10;
    const left = Math.max(8, Math.min(a.left, vw - t.width - 8));
    tip.style.top = `${top + win.scrollY}px`;
    tip.style.left = `${left + win.scrollX}px`;
    tip.style.setProperty("--pw-arrow", `${Math.max(8, Math.min(a.left - left + a.width / 2 - 5, t.width - 18))}px`);
    tip.setAttribute("data-pw-side", useSide);
  };
  const schedule = () => {
    if (!frame) frame = win.requestAnimationFrame ? win.requestAnimationFrame(place) : (place(), 0);
  };
  place();
  win.addEventListener("resize", schedule, { passive: true });
  win.addEventListener("scroll", schedule, { passive: true, capture: true });
  return () => {
    win.removeEventListener("resize", schedule);
    win.removeEventListener("scroll", schedule, { capture: true });
  };
}

export type TourStep = { title?: string; text: string; attachTo?: string; position?: string };

/** Reads the steps of a tour: one <section> per step with data-pw-anchor / data-pw-title. */
export function tourSteps(root: Element): TourStep[] {
  return Array.from(root.querySelectorAll("section")).map((s) => ({
    title: s.getAttribute("data-pw-title") ?? undefined,
    text: s.innerHTML, // already sanitized
    attachTo: s.getAttribute("data-pw-anchor") ?? undefined,
    position: s.getAttribute("data-pw-position") ?? undefined,
  }));
}

type TourApi = { start(steps: TourStep[], o: { reducedMotion: boolean; onShow(): void; onComplete(): void; onCancel(): void }): void };

let tourLoading: Promise<TourApi> | null = null;

/** Loads the tour chunk (driver.js and its CSS) the first time a tour is asked for. */
export function loadTour(src: string): Promise<TourApi> {
  const w = window as unknown as { __pathwiseTour?: TourApi };
  if (w.__pathwiseTour) return Promise.resolve(w.__pathwiseTour);
  tourLoading ??= new Promise<TourApi>((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.async = true;
    s.onload = () => (w.__pathwiseTour ? resolve(w.__pathwiseTour) : reject(new Error("tour chunk did not register")));
    s.onerror = () => {
      tourLoading = null;
      reject(new Error(`could not load ${src}`));
    };
    document.head.appendChild(s);
  });
  return tourLoading;
}

function startTour(root: Element, hooks: Hooks, opts: RenderOptions): void {
  const steps = tourSteps(root);
  if (!steps.length) return;
  loadTour(opts.tourSrc).then(
    (api) =>
      api.start(steps, {
        reducedMotion: reducedMotion(),
        onShow: hooks.shown,
        onComplete: hooks.clicked,
        onCancel: hooks.dismissed,
      }),
    (e: Error) => console.warn(`[pathwise] ${e.message}`),
  );
}
