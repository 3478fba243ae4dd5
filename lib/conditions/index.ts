// The condition language's public surface: compile conditions once, keep per-profile event summaries.
export { compileCondition, compileWhere, compileCount } from "./compile";
export type { CompiledCondition, Outcome, ProfileContext, PropsTest, Seen } from "./compile";
export { emptySummary, asSummary, updateSummary, countEvents, statsOf, trimProperties, SUMMARY_DEFAULTS } from "./summary";
export type { EventSummary, EventStats, Occurrence, SummaryEvent, SummaryOptions, SummaryProps } from "./summary";
export { compileOp, compilePath, looseEquals, compareValues, asNumber, asDate } from "./values";
export type { ValueTest, PathReader } from "./values";
export { parseDuration, isDuration, humanizeDuration, formatDuration } from "./duration";
