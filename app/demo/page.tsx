// The storefront's home: the three products.
import Link from "next/link";
import { PLACEMENTS, PRODUCTS } from "@/lib/demo/flows";
import { Placement } from "./placement";

export default function DemoHome() {
  return (
    <>
      <h1 className="text-2xl font-semibold">Products</h1>
      <p className="mt-1 text-gray-600">A small shop wired to Pathwise with one script tag. Browse, sign up with a role, and watch the flows react.</p>
      <Placement name={PLACEMENTS.home} label="Announcements" className="mt-4" />
      <ul className="mt-6 grid gap-4 sm:grid-cols-3">
        {PRODUCTS.map((p) => (
          <li key={p.id} className="rounded-lg border border-gray-200 p-4">
            <h2 className="text-lg font-medium">{p.name}</h2>
            <p className="mt-1 text-sm text-gray-600">{p.blurb}</p>
            <p className="mt-2 font-semibold">${p.price}</p>
            <Link href={`/demo/products/${p.id}`} className="mt-3 inline-block text-brand-700 underline focus-visible:outline-2 focus-visible:outline-brand-500">
              View {p.name}
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
