// The demo storefront's frame: a public shop (no console login) that uses the browser SDK.
import type { Metadata } from "next";
import Link from "next/link";
import { PageTracker } from "./tracker";
import { CartLink } from "./cart-link";

export const metadata: Metadata = { title: { default: "Demo store", template: "%s · Demo store" } };

export default function DemoLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="min-h-screen bg-white text-gray-900">
      <header className="border-b border-gray-200 bg-gray-50">
        <nav aria-label="Store" className="mx-auto flex max-w-5xl items-center gap-6 px-4 py-3">
          <Link href="/demo" className="font-semibold text-brand-700 focus-visible:outline-2 focus-visible:outline-brand-500">
            Acme Store <span className="text-xs font-normal text-gray-500">(Pathwise demo)</span>
          </Link>
          <Link href="/demo" className="hover:underline focus-visible:outline-2 focus-visible:outline-brand-500">Products</Link>
          <CartLink />
          <Link href="/demo/account" className="hover:underline focus-visible:outline-2 focus-visible:outline-brand-500">Account</Link>
          <Link href="/demo/signup" className="ml-auto rounded-md bg-brand-600 px-3 py-1.5 text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500">
            Sign up
          </Link>
        </nav>
      </header>
      <PageTracker />
      <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
    </div>
  );
}
