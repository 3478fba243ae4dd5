// `npm start`: serves the built app on $HOST:$PORT in this one process (no child server that could be
// orphaned when the process is killed); the worker starts inside it unless PATHWISE_WORKER=off.
import http from "node:http";
import next from "next";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOST || "0.0.0.0";

const app = next({ dev: false, hostname, port, dir: process.cwd() });
const handle = app.getRequestHandler();

await app.prepare();
const server = http.createServer((req, res) => handle(req, res));
server.keepAliveTimeout = 65_000;
server.listen(port, hostname, () => {
  console.log(`[pathwise] listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`);
});

let closing = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (closing) process.exit(1);
    closing = true;
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}
