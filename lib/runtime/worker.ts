// The background worker: fires due timers and delivers the outbox. Filled in by the executor runtime.
export function startWorker(): void {}
