// The rendering budget of one request, job run or simulation (see lib/liquid/render.ts): server only.
// It lives apart from the renderer because the renderer also runs in the browser (the canvas's live
// previews and the sandbox), where node:async_hooks does not exist; the renderer reads the current
// budget through a hook this module installs on globalThis, and finds none in a browser.
import { AsyncLocalStorage } from "node:async_hooks";
import { BUDGET_HOOK, type RenderBudget } from "./render";

/** Rendering time one request or job run may spend in all (PATHWISE_RENDER_BUDGET_MS, default 300). */
export const RENDER_BUDGET_MS = Math.max(1, Number(process.env.PATHWISE_RENDER_BUDGET_MS) || 300);

type Holder = { [BUDGET_HOOK]?: AsyncLocalStorage<RenderBudget> };
const holder = globalThis as unknown as Holder;
// One store per process, shared by every bundle that loads this module (Next's and the data plane's).
const budgets = (holder[BUDGET_HOOK] ??= new AsyncLocalStorage<RenderBudget>());

/** Runs fn with a rendering budget of `ms` for everything it renders; an enclosing budget is kept. */
export function withRenderBudget<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  if (budgets.getStore()) return fn();
  return budgets.run({ limitMs: ms, remainingMs: ms }, fn);
}
