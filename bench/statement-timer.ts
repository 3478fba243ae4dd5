// Times every statement a Db runs, by a short label (bench/sql-profile.ts, bench/batch-profile.ts):
// instrument(db) wraps its Sql and transactions; only while `timer.recording` is true are times kept.
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";

export type Stat = { n: number; ms: number };

function label(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  if (/INSERT INTO steps .* INSERT INTO result_counters/.test(t)) return "INSERT INTO steps (with their node counters)";
  if (/INSERT INTO event_dedupe .* INSERT INTO events/.test(t)) return "INSERT INTO events (with their dedupe claims)";
  const m = /^(WITH .*?\) )?(SELECT|INSERT INTO \S+|UPDATE \S+|DELETE FROM \S+|BEGIN|COMMIT|ROLLBACK)/i.exec(t);
  const from = /FROM (\w+)/i.exec(t)?.[1];
  return `${m ? m[2] : t.slice(0, 30)}${m && /^SELECT/i.test(m[2]) && from ? ` … FROM ${from}` : ""}`.slice(0, 60);
}

export function statementTimer() {
  const timer = { stats: new Map<string, Stat>(), recording: false, instrument };
  const add = (k: string, ms: number) => {
    const s = timer.stats.get(k) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += ms;
    timer.stats.set(k, s);
  };
  function timed(sql: Sql): Sql {
    return {
      ...sql,
      async query(text, params, o) {
        const t = performance.now();
        try {
          return await sql.query(text, params, o);
        } finally {
          if (timer.recording) add(label(text), performance.now() - t);
        }
      },
    } as Sql;
  }
  function instrument(db: Db): Db {
    const tx = db.tx.bind(db);
    return {
      ...db,
      sql: timed(db.sql),
      tx: ((fn: (s: Sql) => Promise<unknown>) => {
        const t = performance.now();
        return tx((s: Sql) => fn(timed(s))).finally(() => {
          if (timer.recording) add("(whole transaction)", performance.now() - t);
        });
      }) as Db["tx"],
    };
  }
  return timer;
}
