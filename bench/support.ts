// Shared by the HTTP benchmarks: start the built server (or a bare node:http floor) on a port with a
// fresh store, seed flows and users through the public API, and run wrk against it.
import { spawn, execFile, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";

export const root = process.cwd();

export type Server = { url: string; key: string; pid: number; child: ChildProcess; stop: (signal?: NodeJS.Signals) => Promise<void> };

export type StartOptions = {
  port: number;
  /** postgres://… for PostgreSQL; unset: PGlite in a fresh temporary DATA_DIR. */
  databaseUrl?: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** Defaults to scripts/start.mjs (npm start). */
  script?: string;
  key?: string;
};

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/health`)).ok;
  } catch {
    return false;
  }
}

/** Starts `npm start` (from the build) in its own process group; resolves once /api/health answers. */
export async function startServer(opts: StartOptions): Promise<Server> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (!opts.script && !existsSync(path.join(root, distDir, "BUILD_ID"))) throw new Error(`no production build in ${distDir}: run \`npm run build\` first`);
  const url = `http://127.0.0.1:${opts.port}`;
  if (await healthy(url)) throw new Error(`port ${opts.port} already answers: pick another`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "pathwise-bench-"));
  const key = opts.key ?? `pw_sk_bench_${randomBytes(12).toString("hex")}`;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.script ?? "scripts/start.mjs"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(opts.port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: opts.databaseUrl ?? "",
      PATHWISE_API_KEY: key,
      ...opts.env,
    },
  });
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid, signal);
      } catch {
        /* already gone */
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await healthy(url)) return { url, key, pid: child.pid!, child, stop };
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`the server on port ${opts.port} did not become healthy`);
}

/** A bare node:http server answering {"status":"ok"}: the floor of this machine, in its own process. */
export async function startFloor(port: number): Promise<Server> {
  const code = `require("node:http").createServer((q,s)=>{q.resume();q.on("end",()=>{s.writeHead(200,{"content-type":"application/json"});s.end('{"status":"ok"}')})}).listen(${port},"127.0.0.1")`;
  const child = spawn(process.execPath, ["-e", code], { detached: true, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  };
  for (let i = 0; i < 100; i++) {
    if (await healthy(url)) return { url, key: "", pid: child.pid!, child, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error("the floor server did not start");
}

export async function call(base: string, key: string, method: string, p: string, body?: unknown) {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${p} -> ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** `n` flows that every "Bench Tracked" event enters (re-entry always), each showing an in_app message. */
export async function seedFlows(base: string, key: string, n: number, event = "Bench Tracked"): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const flow = await call(base, key, "POST", "/api/v1/flows", {
      name: `Bench ${i} ${Date.now()}`,
      graph: {
        nodes: [
          { id: "t1", type: "trigger", data: { on: { type: "event", event } } },
          { id: "m1", type: "message", data: { channel: "in_app", placement: i === 0 ? "bench-home" : `bench-${i}`, content: "Hi {{ user.name | default: 'there' }}" } },
        ],
        edges: [{ id: "e1", source: "t1", target: "m1" }],
      },
      settings: { reentry: "always" },
    });
    await call(base, key, "POST", `/api/v1/flows/${flow.id}/publish`);
    ids.push(flow.id);
  }
  return ids;
}

/** Users u-0 … u-(n-1) with a name trait and one event each (so /decide finds content). */
export async function seedUsers(base: string, key: string, n: number, event = "Bench Tracked") {
  for (let b = 0; b < n; b += 100) {
    const batch = [];
    for (let i = b; i < Math.min(n, b + 100); i++) {
      batch.push({ type: "identify", userId: `u-${i}`, traits: { name: `User ${i}` } });
      batch.push({ type: "track", userId: `u-${i}`, event });
    }
    await call(base, key, "POST", "/api/v1/batch", { batch });
  }
}

export type WrkResult = { rps: number; p50: number; p99: number; requests: number; errors: number; non2xx: number };

function ms(v: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(v.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000;
}

/** Runs wrk (bounded: `seconds`), returns requests/s and latency percentiles in ms. */
export function wrk(url: string, opts: { connections?: number; threads?: number; seconds?: number; script?: string; env?: Record<string, string> } = {}): Promise<WrkResult> {
  const c = opts.connections ?? 16;
  const args = [`-t${opts.threads ?? 2}`, `-c${c}`, `-d${opts.seconds ?? 10}s`, "--latency", "--timeout", "10s"];
  if (opts.script) args.push("-s", path.join(root, "bench", "wrk", opts.script));
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile("wrk", args, { env: { ...process.env, ...opts.env }, timeout: ((opts.seconds ?? 10) + 30) * 1000 }, (err, stdout) => {
      if (err) return reject(err);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
      const p50 = ms(/\s50%\s+(\S+)/.exec(stdout)?.[1] ?? "");
      const p99 = ms(/\s99%\s+(\S+)/.exec(stdout)?.[1] ?? "");
      const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0);
      const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
      const errors = errs ? errs.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
      resolve({ rps, p50, p99, requests, errors, non2xx });
    });
  });
}

export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "–");
export const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "–");

/** `npm run worker` against `databaseUrl` as one node process (tsx loaded in it), in its own process group. */
export async function startWorker(databaseUrl: string, env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, ...env },
  });
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    const exited = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  };
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("the worker did not start")), 120_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("running")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited (${code})`));
    });
  });
  child.stdout!.resume();
  return { url: "", key: "", pid: child.pid!, child, stop };
}

export type RoundRobin = { url: string; setTargets(targets: string[]): void; forwarded: number[]; stop(): Promise<void> };

/**
 * A tiny round-robin HTTP proxy in this process (what a load balancer does in front of several
 * `npm start`): each request goes to the next target over kept-alive upstream connections. A target
 * that refuses or drops the connection answers 502 to the client (which may retry).
 */
export async function startRoundRobin(port: number, targets: string[]): Promise<RoundRobin> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let list = targets.map((t) => new URL(t));
  let next = 0;
  const forwarded = list.map(() => 0);
  const server = http.createServer((req, res) => {
    const i = next++ % list.length;
    const target = list[i];
    forwarded[i] = (forwarded[i] ?? 0) + 1;
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
      r.on("error", () => res.destroy());
    });
    up.on("error", () => {
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "application/json" });
        res.end('{"error":{"code":"bad_gateway","message":"upstream failed","details":[]}}');
      } else res.destroy();
    });
    req.pipe(up);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    setTargets(t) {
      list = t.map((x) => new URL(x));
      next = 0;
      forwarded.length = 0;
      forwarded.push(...list.map(() => 0));
    },
    async stop() {
      server.closeAllConnections();
      agent.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds used so far by each PostgreSQL server process on this machine (backends included), by pid. */
export function postgresCpu(): Map<number, number> {
  const out = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, "utf8").trim() !== "postgres") continue;
    } catch {
      continue;
    }
    const s = cpuSeconds(Number(d));
    if (Number.isFinite(s)) out.set(Number(d), s);
  }
  return out;
}

/** CPU seconds PostgreSQL used between two postgresCpu() readings (backends that started meanwhile count whole; those that ended are lost). */
export function postgresCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, s] of after) total += s - (before.get(pid) ?? 0);
  return total;
}

/** Busy and total CPU ticks of the whole machine so far (/proc/stat), every process included. */
export function machineCpu(): { busy: number; total: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** The machine's load line (`uptime`), printed with every benchmark's figures. */
export function uptimeLine(): string {
  try {
    return execFileSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return `load average ${os.loadavg().map((x) => x.toFixed(2)).join(", ")}`;
  }
}
