// The header's cart link with the number of items.
"use client";
import Link from "next/link";
import { useCart } from "./cart-store";

export function CartLink() {
  const lines = useCart();
  const count = lines.reduce((n, l) => n + l.qty, 0);
  return (
    <Link href="/demo/cart" className="hover:underline focus-visible:outline-2 focus-visible:outline-brand-500">
      Cart{count ? ` (${count})` : ""}
    </Link>
  );
}
