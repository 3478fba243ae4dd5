// Login throttling: after 5 failed sign-ins for one email or address within 15 minutes, further
// attempts are refused with 429 until the window passes. Kept in process memory: with several
// instances each counts its own attempts, which still bounds guessing per instance.
const WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURES = 5;
const failures = new Map<string, number[]>();

function recent(key: string, now: number) {
  const list = (failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  if (list.length) failures.set(key, list);
  else failures.delete(key);
  return list;
}

/** Seconds to wait before another attempt is allowed, or 0. */
export function loginBlockedFor(keys: string[], now = Date.now()): number {
  let wait = 0;
  for (const key of keys) {
    const list = recent(key, now);
    if (list.length >= MAX_FAILURES) wait = Math.max(wait, Math.ceil((list[0] + WINDOW_MS - now) / 1000));
  }
  return wait;
}

export function recordLoginFailure(keys: string[], now = Date.now()) {
  if (failures.size > 50_000) failures.clear();
  for (const key of keys) failures.set(key, [...recent(key, now), now]);
}

export function clearLoginFailures(keys: string[]) {
  for (const key of keys) failures.delete(key);
}
