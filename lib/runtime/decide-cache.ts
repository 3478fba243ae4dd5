// The /decide cache (docs/api.md §6): per process, the answer rows of a (userId, anonymousId,
// placements) question, kept until the database says something they depend on changed. What changed
// comes from the database itself (NOTIFY pathwise_decide, prisma/migrations/…_decide_changes): in-app
// touchpoints of a profile inserted, updated or deleted, an identity re-pointed by a merge or deleted,
// a flow's status or priority changed. So every instance and the worker invalidate every instance's
// cache, whoever wrote.
//
// Read-your-writes across instances: before answering, a request waits for sync() (lib/db/listen.ts):
// on PostgreSQL one round trip on the listening connection, shared by the requests that arrive
// together, after which every transaction committed before the request has been heard. On PGlite
// notifications arrive before the committing statement returns, so nothing is waited for.
//
// A miss reads the database and stores the answer only if none of its profiles was invalidated while
// it read (a ticket taken before the read), so a slow read never stores an answer older than a change
// it missed. Answers for an identity the directory does not know are not kept (a new identity
// notifies nothing). Off with PATHWISE_DECIDE_CACHE=0; it holds PATHWISE_DECIDE_CACHE entries
// (default 100,000) and about PATHWISE_DECIDE_CACHE_MB of answers (default 64), the oldest dropped first.
import type { Db } from "@/lib/db/client";
import type { Listener } from "@/lib/db/listen";

export const DECIDE_CHANNEL = "pathwise_decide";

export type CachedRow = { id: string; profile_id: string; placement: string; content: string | null; flow_id: string; node_id: string; variant: string | null; held: boolean };
type Entry = { profiles: string[]; rows: CachedRow[]; bytes: number };

/** About what an entry holds in memory: its key, its rows' text and their bookkeeping. */
function entryBytes(key: string, profiles: string[], rows: CachedRow[]): number {
  let n = 2 * key.length + 64 * profiles.length + 96;
  for (const r of rows) n += 2 * ((r.content?.length ?? 0) + r.id.length + r.profile_id.length + r.placement.length + r.flow_id.length + r.node_id.length + (r.variant?.length ?? 0)) + 160;
  return n;
}

/** Invalidations remembered for in-flight reads before the cache forgets them all at once. */
const TOUCHED_MAX = 50_000;

export class DecideCache {
  private entries = new Map<string, Entry>();
  private byProfile = new Map<string, Set<string>>();
  private seq = 0;
  /** Tickets taken before this were issued before a clear: their reads are not stored. */
  private clearedAt = 0;
  /** Profile id → sequence number of its last invalidation. */
  private touched = new Map<string, number>();
  private listener: Listener | null = null;
  private heldBytes = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** Starts hearing the database's changes (once). */
  attach(db: Db) {
    this.listener ??= db.listen(DECIDE_CHANNEL, { message: (p) => this.onMessage(p), reset: () => this.clear() });
  }

  /** True while answers may be served from the cache (the listener hears every change). */
  usable(): boolean {
    return this.maxEntries > 0 && this.listener !== null && this.listener.live();
  }

  /** Waits until every change committed before the call has been heard. */
  sync(): Promise<void> {
    return this.listener ? this.listener.sync() : Promise.reject(new Error("not attached"));
  }

  get size() {
    return this.entries.size;
  }

  /** About how much memory the entries hold. */
  get bytes() {
    return this.heldBytes;
  }

  onMessage(payload: string) {
    let msg: { p?: unknown; all?: unknown };
    try {
      msg = JSON.parse(payload) as typeof msg;
    } catch {
      msg = { all: true };
    }
    if (msg.all || !Array.isArray(msg.p)) return this.clear();
    for (const id of msg.p) if (typeof id === "string") this.invalidate(id);
  }

  clear() {
    this.seq++;
    this.clearedAt = this.seq;
    this.entries.clear();
    this.byProfile.clear();
    this.touched.clear();
    this.heldBytes = 0;
  }

  invalidate(profileId: string) {
    this.seq++;
    if (this.touched.size >= TOUCHED_MAX) {
      this.touched.clear();
      this.clearedAt = this.seq;
    }
    this.touched.set(profileId, this.seq);
    const keys = this.byProfile.get(profileId);
    if (!keys) return;
    this.byProfile.delete(profileId);
    for (const k of keys) this.drop(k);
  }

  /** Taken before a read whose answer will be stored with put(). */
  ticket(): number {
    return this.seq;
  }

  get(key: string): CachedRow[] | undefined {
    return this.entries.get(key)?.rows;
  }

  /** Stores an answer read after `ticket` unless one of its profiles changed since. */
  put(key: string, ticket: number, profiles: string[], rows: CachedRow[]): boolean {
    if (this.maxEntries <= 0 || ticket < this.clearedAt) return false;
    for (const p of profiles) if ((this.touched.get(p) ?? 0) > ticket) return false;
    this.drop(key);
    const bytes = entryBytes(key, profiles, rows);
    if (bytes > this.maxBytes / 16) return false; // one huge answer would push out many small ones
    this.entries.set(key, { profiles, rows, bytes });
    this.heldBytes += bytes;
    for (const p of profiles) {
      let keys = this.byProfile.get(p);
      if (!keys) this.byProfile.set(p, (keys = new Set()));
      keys.add(key);
    }
    while (this.entries.size > this.maxEntries || this.heldBytes > this.maxBytes) this.drop(this.entries.keys().next().value!);
    return true;
  }

  private drop(key: string) {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.heldBytes -= e.bytes;
    for (const p of e.profiles) {
      const keys = this.byProfile.get(p);
      if (!keys) continue;
      keys.delete(key);
      if (!keys.size) this.byProfile.delete(p);
    }
  }
}

/** The key of a question: who asks, and which placements (in any order). */
export function decideKey(userId: string | undefined, anonymousId: string | undefined, placements: string[]): string {
  return JSON.stringify([userId ?? null, anonymousId ?? null, [...placements].sort()]);
}

const holder = globalThis as unknown as { __pathwiseDecideCache?: WeakMap<Db, DecideCache> };

/** The process's cache for `db` (shared by Next's and the data plane's bundles), listening from first use. */
export function decideCache(db: Db): DecideCache {
  holder.__pathwiseDecideCache ??= new WeakMap();
  let c = holder.__pathwiseDecideCache.get(db);
  if (!c) {
    const size = process.env.PATHWISE_DECIDE_CACHE;
    const mb = Number(process.env.PATHWISE_DECIDE_CACHE_MB) || 64;
    c = new DecideCache(size === undefined || size === "" ? 100_000 : Math.max(0, Number(size) || 0), mb * 1024 * 1024);
    if (c.maxEntries > 0) c.attach(db);
    holder.__pathwiseDecideCache.set(db, c);
  }
  return c;
}
