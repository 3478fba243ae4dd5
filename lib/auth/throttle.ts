// Login throttling, built so that it cannot be used to lock people out:
// - one address guessing one account: 5 failures within 15 minutes lock that pair (429 with
//   Retry-After until the window passes) — the owner elsewhere is unaffected;
// - one address guessing many accounts: 20 failures lock the address;
// - one account guessed from many addresses: no lock (that would let anyone lock anyone out); from
//   10 failures on, each attempt for that account waits a second first, which slows guessing without
//   refusing the owner.
// The address is the socket's unless PATHWISE_TRUST_PROXY is set (lib/http/client-address.ts), so a
// forged X-Forwarded-For picks no new address. Kept in process memory: each instance counts its own.
const WINDOW_MS = 15 * 60 * 1000;
export const PAIR_LIMIT = 5;
export const ADDRESS_LIMIT = 20;
export const ACCOUNT_SLOWDOWN_AFTER = 10;
const SLOWDOWN_MS = 1000;
const failures = new Map<string, number[]>();

function recent(key: string, now: number) {
  const list = (failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  if (list.length) failures.set(key, list);
  else failures.delete(key);
  return list;
}

export type LoginKeys = { pair: string; address: string; account: string };

/** The throttle keys of one attempt: the email (trimmed, lower case) and the client address. */
export function loginKeys(email: string, address: string): LoginKeys {
  const e = email.trim().toLowerCase();
  return { pair: `pair:${e}|${address}`, address: `ip:${address}`, account: `email:${e}` };
}

/** Seconds to wait before this address may try this account again, or 0. */
export function loginBlockedFor(keys: LoginKeys, now = Date.now()): number {
  let wait = 0;
  for (const [key, limit] of [
    [keys.pair, PAIR_LIMIT],
    [keys.address, ADDRESS_LIMIT],
  ] as const) {
    const list = recent(key, now);
    if (list.length >= limit) wait = Math.max(wait, Math.ceil((list[list.length - limit] + WINDOW_MS - now) / 1000));
  }
  return wait;
}

/** Milliseconds an attempt for this account waits before its password is checked (0 usually). */
export function loginDelayFor(keys: LoginKeys, now = Date.now()): number {
  return recent(keys.account, now).length >= ACCOUNT_SLOWDOWN_AFTER ? SLOWDOWN_MS : 0;
}

export function recordLoginFailure(keys: LoginKeys, now = Date.now()) {
  if (failures.size > 50_000) failures.clear();
  for (const key of [keys.pair, keys.address, keys.account]) failures.set(key, [...recent(key, now), now]);
}

/** A successful sign-in clears its pair; the address and account counts age out on their own. */
export function clearLoginFailures(keys: LoginKeys) {
  failures.delete(keys.pair);
}

/** Forgets every count (tests). */
export function resetLoginThrottle() {
  failures.clear();
}
