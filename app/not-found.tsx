// A friendly 404 for console pages.
import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <Link href="/flows" className="text-brand-700 hover:underline">Back to flows</Link>
    </main>
  );
}
