// Registers every job handler of the worker. Each area adds one line for its queue.
let done = false;

export function registerHandlers() {
  if (done) return;
  done = true;
}
