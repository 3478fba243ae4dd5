// Wakes this process's worker (if it runs one) so a job written a moment ago runs now, not at the
// next poll. Called from afterCommit hooks only: a job is visible to the worker once its transaction
// has committed. Lives apart from the worker so that writers of jobs do not import the worker.
const holder = globalThis as unknown as { __pathwiseWorker?: { wake: () => void } };

export function wakeWorker() {
  holder.__pathwiseWorker?.wake();
}
