// A product page: tracks the view and shows the product offer placement.
import { notFound } from "next/navigation";
import { PRODUCTS } from "@/lib/demo/flows";
import { ProductView } from "./product-view";

export default async function ProductPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const product = PRODUCTS.find((p) => p.id === id);
  if (!product) notFound();
  return <ProductView product={{ id: product.id, name: product.name, price: product.price, blurb: product.blurb }} />;
}
