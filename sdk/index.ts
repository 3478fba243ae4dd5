// The browser entry of public/sdk.js: installs `window.pathwise`, replaying calls queued by the async
// snippet (`window.pathwise = [["init", {...}], ...]`) and reading data-write-key from the script tag.
import { createClient, type Pathwise } from "./client";

declare global {
  interface Window {
    pathwise: Pathwise | unknown[] | undefined;
  }
}

function install(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  // By default the API lives where the SDK was loaded from.
  const host = script?.src ? new URL(script.src, location.href).origin : location.origin;
  const existing = window.pathwise;
  if (existing && !Array.isArray(existing)) return; // loaded twice
  const client = createClient(host);
  window.pathwise = client;
  const key = script?.getAttribute("data-write-key");
  if (key) client.init({ writeKey: key, apiHost: script?.getAttribute("data-api-host") || undefined, page: script?.hasAttribute("data-page") });
  if (Array.isArray(existing)) {
    for (const call of existing) {
      if (!Array.isArray(call)) continue;
      const [method, ...args] = call as [keyof Pathwise, ...unknown[]];
      const fn = client[method];
      if (typeof fn === "function") (fn as (...a: unknown[]) => unknown)(...args);
    }
  }
}

install();
