// Fault test: bad clients against the built server (`npm start`), on the embedded store and on
// PostgreSQL. Clients that disconnect mid-body, a slowloris (headers trickled a byte at a time) and a
// stalled body, then 10,000 concurrent idle keep-alive connections: meanwhile the server keeps answering
// other clients' /track and /decide, stores nothing of a cut-off request, cuts slow clients off itself
// (headersTimeout / requestTimeout), and its memory stays bounded (a few kilobytes per idle connection).
// Needs `npm run build` (NEXT_DIST_DIR). Ports: FAULT_PORT + 3 (PGlite) and FAULT_PORT + 4 (PostgreSQL).
import net from "node:net";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { createPgDatabase } from "@/lib/testing/db";
import { startServer, type Server } from "@/bench/support";

const BASE = Number(process.env.FAULT_PORT ?? 3170);
const IDLE = 10_000;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** n requests of other, well-behaved clients, 4 at a time: their statuses. */
async function others(server: Server, n: number, tag: string): Promise<number[]> {
  const statuses: number[] = [];
  let i = 0;
  const one = async () => {
    for (let k = i++; k < n; k = i++) {
      const track = k % 2 === 0;
      const res = await fetch(`${server.url}/api/v1/${track ? "track" : "decide"}`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.key}`, "content-type": "application/json" },
        body: JSON.stringify(track ? { userId: `ok-${k % 20}`, event: "Still Answering", messageId: `${tag}-${k}` } : { userId: `ok-${k % 20}`, placements: ["home"] }),
      });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
  };
  await Promise.all(Array.from({ length: 4 }, one));
  return statuses;
}

/** Raw sockets; `closedByServer` counts those the server closed (we never closed them). */
function sockets() {
  const list: net.Socket[] = [];
  let closedByServer = 0;
  const open = (port: number, onConnect: (s: net.Socket) => void) => {
    const s = net.connect(port, "127.0.0.1", () => onConnect(s));
    (s as net.Socket & { mine?: boolean }).mine = false;
    s.on("error", () => undefined);
    s.on("close", () => {
      if (!(s as net.Socket & { mine?: boolean }).mine) closedByServer++;
    });
    list.push(s);
    return s;
  };
  return {
    open,
    get closedByServer() {
      return closedByServer;
    },
    closeAll() {
      for (const s of list) {
        (s as net.Socket & { mine?: boolean }).mine = true;
        s.destroy();
      }
    },
  };
}

describe.each([
  ["embedded store (PGlite)", false, 3],
  ["PostgreSQL", true, 4],
] as const)("slow and idle clients on %s", (_name, onPg, offset) => {
  let server: Server | null = null;
  let drop: (() => Promise<void>) | null = null;
  const port = BASE + offset;

  afterAll(async () => {
    await server?.stop();
    await drop?.();
  });

  it("keeps answering others through mid-body disconnects, a slowloris, stalled bodies and 10,000 idle keep-alive connections, with bounded memory", async () => {
    let databaseUrl: string | undefined;
    if (onPg) ({ url: databaseUrl, drop } = await createPgDatabase("pathwise_fault_clients"));
    server = await startServer({
      port,
      databaseUrl,
      // Short timeouts so the test sees the server cut slow clients off (defaults: 20 s and 60 s).
      env: { PATHWISE_HEADERS_TIMEOUT_MS: "4000", PATHWISE_REQUEST_TIMEOUT_MS: "6000" },
    });
    const srv = server;
    expect(await others(srv, 20, "warm")).toEqual(Array(20).fill(200));
    const rss0 = rssMb(srv.pid);

    // 1. 200 clients send the headers and part of a /track body, then disconnect.
    const cut = sockets();
    for (let i = 0; i < 200; i++) {
      const body = JSON.stringify({ userId: `cut-${i}`, event: "Never Stored", properties: { pad: "x".repeat(2000) }, messageId: `cut-${i}` });
      cut.open(port, (s) => {
        s.write(`POST /api/v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${srv.key}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
        s.write(body.slice(0, 900));
        setTimeout(() => {
          (s as net.Socket & { mine?: boolean }).mine = true;
          s.destroy();
        }, 50);
      });
    }
    expect(await others(srv, 40, "during-cut")).toEqual(Array(40).fill(200));
    // Nothing of a cut-off request was stored: none of its users exists.
    for (const i of [0, 57, 199]) {
      const res = await fetch(`${srv.url}/api/v1/users/cut-${i}`, { headers: { authorization: `Bearer ${srv.key}` } });
      expect(res.status).toBe(404);
    }

    // 2. Slowloris: 300 sockets trickle a request's headers a byte every 300 ms; 50 more send whole
    // headers and then trickle the body. Others are answered meanwhile, and the server cuts them all off.
    const slow = sockets();
    const timers: NodeJS.Timeout[] = [];
    const headers = `POST /api/v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${srv.key}\r\nContent-Type: application/json\r\nContent-Length: 500\r\nX-Pad: ${"y".repeat(200)}\r\n`;
    for (let i = 0; i < 350; i++) {
      slow.open(port, (s) => {
        let k = 0;
        if (i >= 300) s.write(`${headers}\r\n`);
        timers.push(
          setInterval(() => {
            if (!s.destroyed) s.write(i >= 300 ? " " : headers[k++ % headers.length]);
          }, 300),
        );
      });
    }
    expect(await others(srv, 40, "during-slowloris")).toEqual(Array(40).fill(200));
    await until(() => slow.closedByServer >= 350, 60_000, "the server to cut off all 350 slow clients");
    for (const t of timers) clearInterval(t);
    slow.closeAll();

    // 3. 10,000 keep-alive connections, each having made one request, then idle.
    const idle = sockets();
    let answered = 0;
    for (let i = 0; i < IDLE; i += 500) {
      await Promise.all(
        Array.from(
          { length: Math.min(500, IDLE - i) },
          () =>
            new Promise<void>((resolve) => {
              const s = idle.open(port, (sock) => sock.write("OPTIONS /api/v1/track HTTP/1.1\r\nHost: x\r\nOrigin: https://shop.example\r\nAccess-Control-Request-Method: POST\r\nConnection: keep-alive\r\n\r\n"));
              s.once("data", () => {
                answered++;
                resolve();
              });
              s.once("close", () => resolve());
            }),
        ),
      );
    }
    expect(answered).toBe(IDLE);
    const rss1 = rssMb(srv.pid);
    expect(await others(srv, 40, "during-idle")).toEqual(Array(40).fill(200));
    // All of them still open (kept alive, not dropped), and memory bounded: under 64 KB per idle connection.
    expect(idle.closedByServer).toBe(0);
    expect((rss1 - rss0) * 1024).toBeLessThan(IDLE * 64);
    idle.closeAll();
    expect(await others(srv, 20, "after")).toEqual(Array(20).fill(200));
    console.log(
      `[fault] ${_name}: 200 mid-body disconnects (nothing stored), 350 slow clients cut off by the server, ${answered} idle keep-alive connections; ` +
        `others answered 200 throughout; RSS ${rss0.toFixed(0)} MB before, ${rss1.toFixed(0)} MB with ${IDLE} idle connections open (${(((rss1 - rss0) * 1024) / IDLE).toFixed(1)} KB each)`,
    );
  });
});
