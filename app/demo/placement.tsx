// A placement on the storefront: an empty element the SDK fills with the decision for `name`.
"use client";
import { useEffect, useRef } from "react";
import { withPathwise } from "./pathwise";

export function Placement({ name, className, label }: { name: string; className?: string; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | null = null;
    void withPathwise(async (pw) => {
      if (cancelled || !ref.current) return;
      const handle = await pw.placement(ref.current, name);
      if (cancelled) handle?.destroy();
      else destroy = () => handle?.destroy();
      // A flow may still be on its way to this placement (a fetch node waits for the API's answer in
      // the background): while nothing is shown, ask again a few times, backing off.
      for (const ms of [500, 1000, 2000, 4000]) {
        if (cancelled || !handle || handle.decision) return;
        await new Promise((r) => setTimeout(r, ms));
        if (!cancelled) await handle.refresh();
      }
    });
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [name]);
  // React renders no children here: the SDK owns this element's content.
  return <div ref={ref} className={className} data-placement={name} aria-label={label} role="region" aria-live="polite" />;
}
