// LISTEN on a channel of the database, for per-process caches that must hear every instance's writes
// (the /decide cache, lib/runtime/decide-cache.ts). PostgreSQL delivers a NOTIFY to every listening
// connection when the notifying transaction commits, never for one that rolls back.
//
// - PGlite (one process owns the store): notifications arrive in process, before the statement that
//   committed them returns, so a listener has heard every committed change at any moment.
// - PostgreSQL: one dedicated connection per listener. sync() is a round trip on that connection:
//   the server delivers pending notifications before it answers, so once sync() resolves every
//   transaction committed before sync() was called has been heard. Concurrent callers share one
//   round trip (each waits for one that started after it asked).
// When the connection is lost the listener says so (live() false, reset()) and reconnects; whatever
// was cached meanwhile must be forgotten, since notifications of that time are lost.
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export type ListenHandlers = {
  /** One notification's payload. */
  message(payload: string): void;
  /** Notifications may have been missed (connected anew, or the connection was lost): forget what depends on them. */
  reset(): void;
};

export interface Listener {
  /** True while every notification is being heard. */
  live(): boolean;
  /** Resolves once every notification committed before the call has been handled; rejects when not live. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

function checkChannel(channel: string) {
  if (!CHANNEL.test(channel)) throw new Error(`Not a channel name: ${channel}`);
}

export function pgliteListener(lite: PGlite, channel: string, h: ListenHandlers): Listener {
  checkChannel(channel);
  let live = false;
  let unsubscribe: (() => Promise<void>) | null = null;
  const ready = lite.listen(channel, (payload) => h.message(payload)).then((u) => {
    unsubscribe = u;
    live = true;
    h.reset();
  });
  ready.catch((err) => console.error(`[db] LISTEN ${channel} failed:`, (err as Error).message));
  return {
    live: () => live,
    sync: () => ready,
    async close() {
      live = false;
      await ready.catch(() => undefined);
      if (!lite.closed) await unsubscribe?.().catch(() => undefined);
    },
  };
}

export function pgListener(url: string, channel: string, h: ListenHandlers, retryMs = 1000): Listener {
  checkChannel(channel);
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let waiting: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  let pumping = false;

  const lost = (c: pg.Client, why: string) => {
    if (client !== c) return;
    client = null;
    h.reset();
    c.end().catch(() => undefined);
    if (!closed) {
      console.error(`[db] LISTEN ${channel} connection lost (${why}); reconnecting`);
      retry = setTimeout(connect, retryMs);
      retry.unref();
    }
  };

  async function connect() {
    retry = null;
    if (closed) return;
    const c = new pg.Client({ connectionString: url, application_name: `pathwise listen ${channel}` });
    c.on("notification", (n) => {
      if (n.channel === channel && client === c) h.message(n.payload ?? "");
    });
    c.on("error", (err) => lost(c, err.message));
    c.on("end", () => lost(c, "closed"));
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      if (closed) {
        await c.end();
        return;
      }
      client = c;
      h.reset();
    } catch (err) {
      c.end().catch(() => undefined);
      if (!closed) {
        retry = setTimeout(connect, retryMs);
        retry.unref();
      }
      if (!closed) console.error(`[db] LISTEN ${channel} failed (${(err as Error).message}); retrying`);
    }
  }

  const pump = async () => {
    pumping = true;
    while (waiting.length) {
      const batch = waiting;
      waiting = [];
      const c = client;
      try {
        if (!c) throw new Error("not listening");
        await c.query("SELECT 1");
        if (client !== c) throw new Error("connection lost");
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    pumping = false;
  };

  void connect();
  return {
    live: () => client !== null,
    sync() {
      if (!client) return Promise.reject(new Error("not listening"));
      return new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        if (!pumping) void pump();
      });
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
