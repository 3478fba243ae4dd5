// The pure executor's public surface: compile a flow version, let users in, move runs, simulate.
export { compileFlow, nextNode } from "./compile-flow";
export type { CompiledFlow, CompiledNode, CompiledTrigger, CompiledGoal, FlowVersionInput } from "./compile-flow";
export { triggerEntries, inactivityDueAt } from "./triggers";
export type { EntryResult, EntryRefusal, EntryOptions } from "./triggers";
export { dispatch, singleFlow } from "./dispatch";
export type { DispatchFlow, DispatchInput, DispatchMove, DispatchOptions, DispatchProfile, DispatchResult, FlowSet } from "./dispatch";
export { advance, goalOpen, MAX_STEPS_PER_ADVANCE } from "./advance";
export { simulate, MAX_SIMULATION_STEPS, SIMULATION_DEFAULT_START } from "./simulate";
export type { SimulationEvent, SimulationInput, SimulationFlow, SimulationResult, TraceEntry, SimulatedMessage, SimulatedEntry } from "./simulate";
export { bucket, pickBranch, hash32 } from "./hash";
export type * from "./types";
