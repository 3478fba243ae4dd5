// Sends a page view on every storefront navigation and shows whether the SDK is set up.
"use client";
import { useEffect, useState } from "react";
import { usePathname } from "next/navigation";
import { getPathwise } from "./pathwise";

export function PageTracker() {
  const path = usePathname();
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void getPathwise().then((s) => {
      if (s.ready) s.pathwise.page(document.title);
      else setProblem(s.reason);
    });
  }, [path]);
  if (!problem) return null;
  return (
    <p role="status" className="mx-auto mt-4 max-w-5xl rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">
      {problem}
    </p>
  );
}
