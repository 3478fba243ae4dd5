// `npm start`: serves the built app on $HOST:$PORT in this one process (no child server that could be
// orphaned when the process is killed); the worker starts inside it unless PATHWISE_WORKER=off.
// The data plane (ingestion, /decide, /outcomes: the build's <dist>/dataplane/server.mjs) answers its
// paths straight from node:http; every other request goes to Next.
import http from "node:http";
import path from "node:path";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import next from "next";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOST || "0.0.0.0";

const app = next({ dev: false, hostname, port, dir: process.cwd() });
const handle = app.getRequestHandler();

// Next answers a method that a route does not export with an empty 405; every error from /api/ must
// be JSON (docs/api.md §3), so that one answer gets the JSON error body here.
function jsonMethodNotAllowed(req, res) {
  if (!req.url?.startsWith("/api/")) return;
  const { writeHead, flushHeaders, write, end } = res;
  let json = false;
  // Headers may leave through writeHead, flushHeaders or the first write: switch them to JSON first;
  // whatever body Next meant for the 405 (nothing, or "Method Not Allowed") is replaced.
  const prepare = (status) => {
    if (status === 405 && !res.headersSent && !json) {
      res.setHeader("content-type", "application/json");
      res.removeHeader("content-length");
      json = true;
    }
  };
  const withoutLength = (headers) =>
    headers && typeof headers === "object" && !Array.isArray(headers)
      ? Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-(length|type)$/i.test(k)))
      : headers;
  res.writeHead = function (status, ...rest) {
    prepare(status);
    return writeHead.call(res, status, ...(json ? rest.map(withoutLength) : rest));
  };
  res.flushHeaders = function () {
    prepare(res.statusCode);
    return flushHeaders.call(res);
  };
  res.write = function (chunk, ...rest) {
    prepare(res.statusCode);
    if (json) {
      const cb = rest.find((a) => typeof a === "function");
      if (cb) process.nextTick(cb);
      return true;
    }
    return write.call(res, chunk, ...rest);
  };
  res.end = function (chunk, ...rest) {
    prepare(res.statusCode);
    if (json) {
      const body = JSON.stringify({ error: { code: "method_not_allowed", message: `${req.method} is not allowed on ${req.url.split("?")[0]}`, details: [] } });
      return end.call(res, body, ...[chunk, ...rest].filter((a) => typeof a === "function"));
    }
    return end.call(res, chunk, ...rest);
  };
}

function decodable(path) {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

await app.prepare();

const distDir = path.resolve(process.env.NEXT_DIST_DIR || ".next");
const planeFile = path.join(distDir, "dataplane", "server.mjs");
let plane = null;
if (existsSync(planeFile)) {
  plane = (await import(pathToFileURL(planeFile).href)).plane;
  await plane.ready;
} else {
  console.warn(`[pathwise] no data plane in ${path.relative(process.cwd(), planeFile)} (run \`npm run build\`): Next serves every request`);
}

// Slow and idle clients (docs in README, "Settings"): a client that trickles its headers (slowloris) or
// its body is cut off after headersTimeout / requestTimeout; an idle keep-alive connection is closed
// after keepAliveTimeout (longer than the usual load balancer's 60 s, so the balancer closes first);
// Node checks these every connectionsCheckingInterval. Past maxConnections, new connections are
// dropped at once rather than exhausting the process's file descriptors; each open idle connection
// costs a few kilobytes, so memory stays bounded by this cap.
const ms = (name, fallback) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const server = http.createServer({ connectionsCheckingInterval: ms("PATHWISE_CONNECTIONS_CHECK_MS", 1_000) }, (req, res) => {
  // Answers Next gives itself under /api/v1 (a 405, a not-found) never pass through lib/http/cors.ts:
  // the one header a browser needs to read them is set here first (route answers set the full set).
  if (req.url === "/api/v1" || req.url?.startsWith("/api/v1/") || req.url?.startsWith("/api/v1?")) res.setHeader("access-control-allow-origin", "*");
  // The socket's address for rate limits and login throttling (lib/http/client-address.ts); whatever
  // a client sent under this name is replaced, so it cannot choose its own.
  req.headers["x-pathwise-peer"] = req.socket.remoteAddress ?? "";
  // Next answers a path whose percent-encoding is not UTF-8 (%FF) with a plain-text 500.
  if (req.url?.startsWith("/api/") && !decodable(req.url.split("?")[0])) {
    const body = JSON.stringify({ error: { code: "invalid_path", message: "The path is not valid percent-encoded UTF-8", details: [] } });
    res.writeHead(400, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    return res.end(body);
  }
  if (plane?.handle(req, res)) return;
  jsonMethodNotAllowed(req, res);
  return handle(req, res);
});
// A server that cannot listen (port taken, no permission) must not linger as a process serving nothing.
server.on("error", (err) => {
  console.error(`[pathwise] cannot listen on ${hostname}:${port}: ${err.message}`);
  process.exit(1);
});
server.keepAliveTimeout = ms("PATHWISE_KEEPALIVE_TIMEOUT_MS", 65_000);
server.headersTimeout = ms("PATHWISE_HEADERS_TIMEOUT_MS", 20_000);
server.requestTimeout = ms("PATHWISE_REQUEST_TIMEOUT_MS", 60_000);
server.maxConnections = ms("PATHWISE_MAX_CONNECTIONS", 15_000);
server.listen(port, hostname, () => {
  console.log(`[pathwise] listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`);
});

let closing = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (closing) process.exit(1);
    closing = true;
    // Stream consumers let go first (lib/runtime/boot.ts), so their unacknowledged messages return to the broker.
    const shutdown = globalThis.__pathwiseShutdown;
    Promise.resolve(shutdown ? shutdown() : undefined)
      .catch(() => undefined)
      .finally(() => server.close(() => process.exit(0)));
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
