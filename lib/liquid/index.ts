// The Liquid environment's public surface.
export { renderTemplate, liquidContext, checkTemplate, withRenderBudget, LIQUID_LIMITS, RENDER_BUDGET_MS } from "./render";
export type { LiquidContext, RenderResult } from "./render";
