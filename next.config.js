// Next.js configuration: security headers for every response, no telemetry, no network fonts.
/** @type {import('next').NextConfig} */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // The console needs no camera, microphone, location or payment; nothing embedded may ask for them.
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  // Only when the site is served over https (PATHWISE_HSTS=1 at build time): a browser that saw it
  // refuses plain http for a year, which would lock out a plain-http install.
  ...(process.env.PATHWISE_HSTS === "1" ? [{ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" }] : []),
  {
    key: "Content-Security-Policy",
    value: [
      "default-src 'self'",
      "script-src 'self' 'unsafe-inline'" + (process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : ""),
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ].join("; "),
  },
];

module.exports = {
  // A separate build folder per checkout task (NEXT_DIST_DIR) lets several builds and dev servers
  // run side by side in one working tree.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  // `npm test` type-checks the whole project as its own step; it skips the second check in the build.
  typescript: { ignoreBuildErrors: process.env.PATHWISE_SKIP_TYPECHECK === "1" },
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};
