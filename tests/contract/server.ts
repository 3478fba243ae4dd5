// Starts the built server (`node scripts/start.mjs`) as a child process on a free port with a fresh
// store, the way an operator would, and stops it with a real signal.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

export const API_KEY = "pw_sk_contract_secret";
export const ADMIN = { email: "admin@example.com", password: "contract-password-1" };
const ROOT = path.resolve(import.meta.dirname, "..", "..");
const PG_ADMIN_URL = process.env.CONTRACT_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export type Store = { kind: "pglite"; dataDir: string } | { kind: "pg"; databaseUrl: string; dataDir: string };

/** A port nobody listens on, in the suite's range when one is free there. */
export async function freePort(): Promise<number> {
  const base = Number(process.env.CONTRACT_PORT_BASE ?? 3900);
  // CONTRACT_PORT_SPAN: how many ports from the base the suite may use (a shared machine gives out ranges).
  const span = Math.max(2, Number(process.env.CONTRACT_PORT_SPAN ?? 100));
  for (let p = base + Math.floor(Math.random() * (span - 1)); p < base + span; p++) {
    if (await canListen(p)) return p;
  }
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

export async function freshPglite(): Promise<Store> {
  const dataDir = path.join(ROOT, `.data-conf-${process.pid}-${Date.now().toString(36)}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { kind: "pglite", dataDir };
}

export async function freshPostgres(): Promise<Store> {
  const name = `pw_contract_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  // PGlite is never used with DATABASE_URL set, but DATA_DIR still gets a fresh folder of its own.
  return { kind: "pg", databaseUrl: url.toString(), dataDir: path.join(ROOT, `.data-conf-pg-${name}`) };
}

export async function dropStore(store: Store) {
  fs.rmSync(store.dataDir, { recursive: true, force: true });
  if (store.kind !== "pg") return;
  const name = new URL(store.databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

export class Server {
  child: ChildProcess | null = null;
  port = 0;
  host = "127.0.0.1";
  log: string[] = [];

  constructor(
    readonly store: Store,
    readonly extraEnv: Record<string, string> = {},
  ) {}

  get url() {
    return `http://${!this.host || this.host === "0.0.0.0" ? "127.0.0.1" : this.host}:${this.port}`;
  }

  /** Starts the process and waits for /api/health to answer 200 {"status":"ok"}. */
  async start(opts: { host?: string | null; port?: number } = {}) {
    this.port = opts.port ?? (await freePort());
    // null: HOST unset, so the server's default applies.
    this.host = opts.host === null ? "" : (opts.host ?? "127.0.0.1");
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      // The build `npm run build` made, unless NEXT_DIST_DIR names another.
      NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next",
      PORT: String(this.port),
      DATA_DIR: this.store.dataDir,
      PATHWISE_API_KEY: API_KEY,
      PATHWISE_ADMIN_EMAIL: ADMIN.email,
      PATHWISE_ADMIN_PASSWORD: ADMIN.password,
      ...this.extraEnv,
    };
    if (this.host) env.HOST = this.host;
    else delete env.HOST;
    delete env.DATABASE_URL;
    delete env.VITEST;
    delete env.VITEST_POOL_ID;
    delete env.VITEST_WORKER_ID;
    if (this.store.kind === "pg") env.DATABASE_URL = this.store.databaseUrl;
    const child = spawn(process.execPath, ["scripts/start.mjs"], { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    // The server's output also goes to a file that outlives the run, for reading failures afterwards.
    const logDir = path.join(ROOT, ".data-conf-logs");
    fs.mkdirSync(logDir, { recursive: true });
    const logFile = path.join(logDir, `${path.basename(this.store.dataDir)}.log`);
    const keep = (b: Buffer) => {
      fs.appendFileSync(logFile, b);
      this.log.push(b.toString());
      if (this.log.length > 400) this.log.splice(0, 100);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const started = Date.now();
    while (Date.now() - started < 120_000) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${this.log.join("")}`);
      try {
        const res = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(5_000) });
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`server did not become healthy:\n${this.log.join("")}`);
  }

  /** Stops the process with the given signal and waits for it to be gone. */
  async stop(signal: NodeJS.Signals = "SIGTERM") {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await gone;
    clearTimeout(timer);
    this.child = null;
  }

  /** Lines the server printed (for failure messages and console-error checks). */
  output() {
    return this.log.join("");
  }
}
