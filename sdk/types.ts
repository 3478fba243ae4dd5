// Shapes the browser SDK sends and receives (docs/api.md §4 and §6), kept free of server imports so the
// bundle stays small.
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
export type Props = Record<string, unknown>;

export type MessageType = "track" | "identify" | "page" | "alias";

export type Message = {
  type: MessageType;
  messageId: string;
  timestamp: string;
  userId?: string;
  anonymousId?: string;
  previousId?: string;
  event?: string;
  name?: string;
  properties?: Props;
  traits?: Props;
  context?: Props;
  userHash?: string;
};

export type InitOptions = {
  /** A write key (publishable). Secret keys must never be used in a browser. */
  writeKey: string;
  /** Where the Pathwise server is; defaults to the origin the SDK was loaded from. */
  apiHost?: string;
  /** HMAC-SHA256(userId, secret) in hex, computed by your server, when identity verification is on. */
  userHash?: string;
  /** Messages per request (default 20). */
  batchSize?: number;
  /** How long a message may wait before it is sent, in ms (default 1000). */
  flushInterval?: number;
  /** Messages kept in localStorage while offline (default 500; the oldest are dropped). */
  maxQueue?: number;
  /** Cookie domain for the anonymousId (default: the current host). */
  cookieDomain?: string;
  /** Where the tour chunk is loaded from (default `${apiHost}/sdk-tour.js`). */
  tourSrc?: string;
  /** Send a page() on init (default false). */
  page?: boolean;
};

export type Decision = {
  content: string;
  flowId: string;
  nodeId: string;
  variant?: string | null;
  decisionId: string;
};

export type OutcomeType = "shown" | "clicked" | "dismissed" | "answered";
