// The interactive part of a product page: the "Product Viewed" event, the offer, the "for you" strip, add to cart.
"use client";
import { useEffect, useState } from "react";
import Link from "next/link";
import { withPathwise } from "../../pathwise";
import { Placement } from "../../placement";
import { addToCart } from "../../cart-store";
import { PLACEMENTS } from "@/lib/demo/flows";

type Product = { id: string; name: string; price: number; blurb: string };

export function ProductView({ product }: { product: Product }) {
  const [added, setAdded] = useState(false);
  const [tracked, setTracked] = useState(false);
  useEffect(() => {
    // The view is sent before the offer placement asks /decide (the SDK flushes first).
    void withPathwise((pw) => pw.track("Product Viewed", { name: product.name, product_id: product.id, price: product.price })).then(() => setTracked(true));
  }, [product]);

  return (
    <article>
      <Link href="/demo" className="text-sm text-brand-700 underline focus-visible:outline-2 focus-visible:outline-brand-500">
        ← All products
      </Link>
      <h1 className="mt-2 text-3xl font-semibold">{product.name}</h1>
      <p className="mt-2 text-gray-600">{product.blurb}</p>
      <p className="mt-4 text-xl font-semibold">${product.price}</p>
      {tracked && <Placement name={PLACEMENTS.productOffer} label="Offers" className="mt-4" />}
      {tracked && <Placement name={PLACEMENTS.forYou} label="Recommended for you" className="mt-4" />}
      <button
        type="button"
        onClick={() => {
          addToCart({ id: product.id, name: product.name, price: product.price });
          void withPathwise((pw) => pw.track("Product Added", { name: product.name, product_id: product.id, price: product.price }));
          setAdded(true);
        }}
        className="mt-6 rounded-md bg-brand-600 px-4 py-2 text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500"
      >
        Add to cart
      </button>
      {added && (
        <p role="status" className="mt-2 text-sm text-green-700">
          Added. <Link href="/demo/cart" className="underline">Go to cart</Link>
        </p>
      )}
    </article>
  );
}
