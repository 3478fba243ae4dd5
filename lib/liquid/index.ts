// The Liquid environment's public surface.
export { renderTemplate, liquidContext, checkTemplate, recommendationsNamed, Recommendations, LIQUID_LIMITS } from "./render";
export type { LiquidContext, RenderResult } from "./render";
