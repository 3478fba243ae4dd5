// The storefront's link to the browser SDK: loads /sdk.js with a script tag, as a customer's site
// would, and initialises it with the demo write key from /demo/config.
"use client";
import type { Pathwise } from "@/sdk/client";

declare global {
  interface Window {
    pathwise: Pathwise | unknown[] | undefined;
  }
}

export type DemoStatus = { ready: true; pathwise: Pathwise } | { ready: false; reason: string };

let loading: Promise<DemoStatus> | null = null;

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const existing = document.querySelector(`script[src="${src}"]`);
    if (existing && window.pathwise && !Array.isArray(window.pathwise)) return resolve();
    const s = document.createElement("script");
    s.src = src;
    s.async = true;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`Could not load ${src}`));
    document.head.appendChild(s);
  });
}

export function getPathwise(): Promise<DemoStatus> {
  loading ??= (async (): Promise<DemoStatus> => {
    try {
      const res = await fetch("/demo/config", { cache: "no-store" });
      const cfg = (await res.json()) as { writeKey?: string | null };
      if (!cfg.writeKey) return { ready: false, reason: "The demo has no write key yet: run `npm run demo`, or set PATHWISE_DEMO_WRITE_KEY." };
      await loadScript("/sdk.js");
      const pw = window.pathwise as Pathwise;
      pw.init({ writeKey: cfg.writeKey, apiHost: location.origin, flushInterval: 500 });
      return { ready: true, pathwise: pw };
    } catch (e) {
      loading = null;
      return { ready: false, reason: (e as Error).message };
    }
  })();
  return loading;
}

/** Runs `f` with the SDK once it is ready (does nothing when the demo is not set up). */
export function withPathwise(f: (pw: Pathwise) => void | Promise<unknown>): Promise<void> {
  return getPathwise().then(async (s) => {
    if (s.ready) await f(s.pathwise);
  });
}
