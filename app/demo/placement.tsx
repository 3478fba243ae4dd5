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
    });
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [name]);
  // React renders no children here: the SDK owns this element's content.
  return <div ref={ref} className={className} data-placement={name} aria-label={label} role="region" aria-live="polite" />;
}
