// The Liquid environment's public surface.
export { renderTemplate, liquidContext, checkTemplate, LIQUID_LIMITS } from "./render";
export type { LiquidContext, RenderResult } from "./render";
