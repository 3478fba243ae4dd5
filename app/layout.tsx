// The root layout: global styles and the page title; console pages add navigation in (console)/layout.
import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Pathwise", template: "%s · Pathwise" },
  description: "Personalised user flows, drawn as if/then graphs and run for every user event.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
