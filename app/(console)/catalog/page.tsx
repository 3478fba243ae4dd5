// /catalog: browse and search the catalog's items; import a CSV of items.
import type { Metadata } from "next";
import { CatalogBrowser } from "@/components/catalog/catalog-browser";

export const metadata: Metadata = { title: "Catalog" };

export default function CatalogPage() {
  return <CatalogBrowser />;
}
