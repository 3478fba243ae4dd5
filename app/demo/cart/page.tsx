// The cart: lines, total and "Place order" (an "Order Completed" per product, the flows' goal).
"use client";
import { useState } from "react";
import Link from "next/link";
import { clearCart, useCart } from "../cart-store";
import { withPathwise } from "../pathwise";

export default function CartPage() {
  const lines = useCart();
  const [ordered, setOrdered] = useState(false);
  const total = lines.reduce((s, l) => s + l.price * l.qty, 0);

  const order = async () => {
    await withPathwise(async (pw) => {
      for (const l of lines) pw.track("Order Completed", { name: l.name, product_id: l.id, quantity: l.qty, revenue: l.price * l.qty });
      await pw.flush();
    });
    clearCart();
    setOrdered(true);
  };

  return (
    <>
      <h1 className="text-2xl font-semibold">Cart</h1>
      {ordered && (
        <p role="status" className="mt-4 rounded-md bg-green-50 px-3 py-2 text-green-800">
          Thank you! Your order is placed.
        </p>
      )}
      {lines.length === 0 ? (
        <p className="mt-4 text-gray-600">
          Your cart is empty. <Link href="/demo" className="text-brand-700 underline">Browse products</Link>
        </p>
      ) : (
        <>
          <table className="mt-4 w-full max-w-lg text-left">
            <thead>
              <tr className="border-b">
                <th scope="col" className="py-2">Product</th>
                <th scope="col">Qty</th>
                <th scope="col" className="text-right">Price</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l) => (
                <tr key={l.id} className="border-b">
                  <td className="py-2">{l.name}</td>
                  <td>{l.qty}</td>
                  <td className="text-right">${l.price * l.qty}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-3 font-semibold">Total: ${total}</p>
          <button type="button" onClick={() => void order()} className="mt-4 rounded-md bg-brand-600 px-4 py-2 text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500">
            Place order
          </button>
        </>
      )}
    </>
  );
}
