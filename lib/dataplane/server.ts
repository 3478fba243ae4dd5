// The data plane's node:http side: answers the requests of its route table straight from node:http,
// without Next's request pipeline, by calling the very route handlers Next serves (route() with its
// auth, roles, limits, CORS, errors, metrics and rate limits). Everything else is left to Next.
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorReply } from "@/lib/http/errors";
import { isCorsPath, preflightHeaders } from "@/lib/http/cors";
import type { Reply } from "@/lib/http/route";
import type { RouteModule } from "./paths";

/** Bodies are read up to this many bytes (more than any data-plane limit); route() answers 413 past its own limit. */
export const BODY_CAP = 1024 * 1024;

type ReplyFn = (req: Request, params?: Record<string, string>) => Promise<Reply>;
type Entry = Partial<Record<string, ReplyFn | ((req: Request) => Response | Promise<Response>)>>;

/** The request headers as a web Headers-like view over node's parsed headers (no copy). */
class NodeHeaders {
  constructor(private readonly raw: IncomingMessage["headers"]) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(", ") : v;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  forEach(fn: (value: string, key: string) => void) {
    for (const k of Object.keys(this.raw)) fn(this.get(k)!, k);
  }
  *entries(): IterableIterator<[string, string]> {
    for (const k of Object.keys(this.raw)) yield [k, this.get(k)!];
  }
  [Symbol.iterator]() {
    return this.entries();
  }
}

/**
 * The part of a web Request that route() and the handlers read, over a node request whose body has
 * been read already (`preread`, which lib/http/body uses directly). Building an undici Request per
 * call costs more than a whole decision on these machines.
 */
export class NodeRequest {
  readonly headers: NodeHeaders;
  readonly url: string;
  private stream: ReadableStream<Uint8Array> | null = null;

  constructor(
    readonly method: string,
    url: string,
    headers: IncomingMessage["headers"],
    readonly preread: Buffer | null,
  ) {
    this.url = url;
    this.headers = new NodeHeaders(headers);
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (!this.preread) return null;
    const bytes = this.preread;
    this.stream ??= new ReadableStream({
      start(c) {
        if (bytes.length) c.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        c.close();
      },
    });
    return this.stream;
  }

  async text(): Promise<string> {
    return this.preread ? this.preread.toString("utf8") : "";
  }
}

/** Reads the body up to cap + 1 bytes (enough for route() to see it is too large); null for GET/HEAD. */
function readBody(req: IncomingMessage, cap: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (truncated: boolean) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      resolve({ bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), truncated });
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size > cap) {
        req.pause();
        finish(true);
      }
    };
    req.on("data", onData);
    req.once("end", () => finish(false));
    req.once("error", (err) => {
      if (!done) {
        done = true;
        reject(err);
      }
    });
    req.once("aborted", () => {
      if (!done) {
        done = true;
        reject(new Error("client aborted"));
      }
    });
  });
}

const SAFE_HOST = /^[A-Za-z0-9.\-:[\]]{1,255}$/;

export type DataPlaneOptions = {
  /** Headers every answer carries (the build's security headers), by path pattern. */
  headers?: Array<{ regex: RegExp; headers: Array<[string, string]> }>;
};

export type DataPlane = {
  /** Serves the request if its path and method are the data plane's; false: leave it to Next. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  paths: string[];
};

export function createDataPlane(routes: Record<string, RouteModule>, opts: DataPlaneOptions = {}): DataPlane {
  const table = new Map<string, Entry>();
  for (const [path, mod] of Object.entries(routes)) table.set(path, mod as Entry);

  const extraHeaders = (path: string): Array<[string, string]> => {
    const out: Array<[string, string]> = [];
    for (const rule of opts.headers ?? []) if (rule.regex.test(path)) out.push(...rule.headers);
    return out;
  };

  const write = (res: ServerResponse, path: string, status: number, headers: Record<string, string> | Headers, body: Buffer | string, close: boolean) => {
    if (res.headersSent || res.destroyed) return;
    for (const [k, v] of extraHeaders(path)) res.setHeader(k, v);
    if (headers instanceof Headers) {
      for (const [k, v] of headers) if (k !== "set-cookie") res.setHeader(k, v);
      const cookies = headers.getSetCookie();
      if (cookies.length) res.setHeader("set-cookie", cookies);
    } else for (const k in headers) res.setHeader(k, headers[k]);
    res.setHeader("content-length", Buffer.byteLength(body));
    if (close) res.setHeader("connection", "close");
    res.statusCode = status;
    res.end(body);
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, path: string, fn: Entry[string]) => {
    let truncated = false;
    try {
      let bytes: Buffer | null = null;
      if (req.method !== "GET" && req.method !== "HEAD") {
        const declared = Number(req.headers["content-length"] ?? NaN);
        // Declared larger than any data-plane limit: route() refuses it on the header alone (413).
        if (Number.isFinite(declared) && declared > BODY_CAP) {
          truncated = true;
          bytes = Buffer.alloc(0);
        } else {
          const body = await readBody(req, BODY_CAP);
          bytes = body.bytes;
          truncated = body.truncated;
        }
      }
      const host = req.headers.host && SAFE_HOST.test(req.headers.host) ? req.headers.host : "localhost";
      const request = new NodeRequest(req.method ?? "GET", `http://${host}${req.url}`, req.headers, bytes) as unknown as Request;
      const handler = fn as ReplyFn & { reply?: ReplyFn };
      if (typeof handler.reply === "function") {
        const out = await handler.reply(request);
        if (out.response) {
          const buf = Buffer.from(await out.response.arrayBuffer());
          write(res, path, out.status, out.response.headers, buf, truncated);
        } else write(res, path, out.status, out.headers, out.json ?? "", truncated);
      } else {
        // A plain handler (the CORS preflight): a web Response.
        const response = await (fn as (r: Request) => Response | Promise<Response>)(request);
        write(res, path, response.status, response.headers, Buffer.from(await response.arrayBuffer()), truncated);
      }
    } catch (err) {
      if ((err as Error)?.message === "client aborted" || req.destroyed) {
        res.destroy();
        return;
      }
      const e = errorReply(err);
      write(res, path, e.status, { ...e.headers, "content-type": "application/json" }, e.json, true);
    } finally {
      // The rest of a body past the cap is never read: the connection cannot be reused.
      if (truncated) res.once("finish", () => req.destroy());
    }
  };

  return {
    paths: [...table.keys()],
    handle(req, res) {
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      const path = q === -1 ? url : url.slice(0, q);
      // Every /api/v1 preflight is answered here, with the one rule of lib/http/cors.ts: most route
      // files export no OPTIONS, and Next's own answer to one carries no CORS headers.
      if (req.method === "OPTIONS" && isCorsPath(path)) {
        const asked = { headers: { get: (name: string) => headerValue(req.headers[name.toLowerCase()]) } } as unknown as Request;
        res.writeHead(204, preflightHeaders(asked));
        res.end();
        return true;
      }
      const entry = table.get(path);
      if (!entry) return false;
      const fn = entry[req.method ?? "GET"];
      // A method the route does not export: Next's 405 (turned into JSON by scripts/start.mjs).
      if (typeof fn !== "function") return false;
      void serve(req, res, path, fn);
      return true;
    },
  };
}

function headerValue(v: string | string[] | undefined): string | null {
  return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
}
