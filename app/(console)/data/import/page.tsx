// /data/import: upload profiles from a CSV or JSON file with a progress bar and per-row errors.
import type { Metadata } from "next";
import { ImportPanel } from "@/components/data/import-panel";

export const metadata: Metadata = { title: "Import" };

export default function ImportPage() {
  return <ImportPanel />;
}
