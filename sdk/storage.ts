// Browser storage that never throws: the anonymousId cookie, and localStorage that may be disabled
// (private mode, blocked third-party storage) without breaking the page.
const YEAR_S = 365 * 24 * 3600;

export function uuid(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const b = new Uint8Array(16);
  if (c && c.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function getCookie(name: string): string | null {
  try {
    for (const part of document.cookie.split(";")) {
      const i = part.indexOf("=");
      if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
    }
  } catch {
    // cookies disabled
  }
  return null;
}

/** A first-party cookie for a year, SameSite=Lax so it rides along on top-level navigations only. */
export function setCookie(name: string, value: string, domain?: string, maxAge = YEAR_S): void {
  try {
    let c = `${name}=${encodeURIComponent(value)}; Max-Age=${maxAge}; Path=/; SameSite=Lax`;
    if (domain) c += `; Domain=${domain}`;
    if (location.protocol === "https:") c += "; Secure";
    document.cookie = c;
  } catch {
    // cookies disabled
  }
}

export function load<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw == null ? null : (JSON.parse(raw) as T);
  } catch {
    return null;
  }
}

export function save(key: string, value: unknown): void {
  try {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // quota exceeded or storage disabled: the in-memory copy still works for this page
  }
}
