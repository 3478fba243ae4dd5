"use client";
// What the canvas draws on top of the document: problems, the simulated path, stats. Kept out of node
// data so that none of it can reach the stored flow, and so a node re-renders only when it changes.
import { createContext, useContext } from "react";

export type Decor = {
  problems: ReadonlyMap<string, string[]>;
  /** Simulated path: node id → the step numbers (1-based) at which the run visited it. */
  path: ReadonlyMap<string, number[]>;
  /** The node of the current simulation step. */
  current: string | null;
  stats: Readonly<Record<string, { entered: number }>> | null;
  readOnly: boolean;
  /** Test cases: node id → the failing cases that expect to pass it but no longer reach it. */
  unreached: ReadonlyMap<string, string[]>;
  /** Node labels (the name people see), by node id. */
  labels: ReadonlyMap<string, string>;
};

export const EMPTY_DECOR: Decor = { problems: new Map(), path: new Map(), current: null, stats: null, readOnly: false, unreached: new Map(), labels: new Map() };

export const DecorContext = createContext<Decor>(EMPTY_DECOR);

export const useDecor = () => useContext(DecorContext);
