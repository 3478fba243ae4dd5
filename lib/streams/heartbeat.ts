// How long a stream consumer's heartbeat counts as alive: older rows belong to an instance that died.
export const HEARTBEAT_STALE_SECONDS = 30;
