// Dictionaries keyed by user input (event, property, trait and node names, placements, branch ids):
// null-prototype objects, so "__proto__" or "constructor" is an ordinary key and never Object.prototype.

/** An empty dictionary with no prototype; JSON.stringify writes it like any object. */
export function dict<T>(from?: Record<string, T>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (from) for (const k of Object.keys(from)) out[k] = from[k];
  return out;
}

/** The own value at `key`, never an inherited member. */
export function own<T>(obj: Record<string, T> | null | undefined, key: string): T | undefined {
  return obj && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Sets an own property even when `key` is "__proto__" on an ordinary object (stored JSON read back). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
