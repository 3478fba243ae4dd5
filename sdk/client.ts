// The SDK's public object: identity (anonymousId cookie, userId), identify/track/page/alias through
// the batching queue, decisions and outcomes for placements.
import type { Decision, InitOptions, Message, OutcomeType, Props } from "./types";
import { getCookie, load, save, setCookie, uuid } from "./storage";
import { Queue, type SendResult } from "./queue";
import { transport, type Transport } from "./transport";
import { Placements, type PlacementHandle, type PlacementOptions } from "./placement";
import { render, type Rendered } from "./interactions";

export const VERSION = "1.0.0";
export const ANON_COOKIE = "pw_anon_id";
const USER_KEY = "pw_user";
const TRACKED_KEY = "pw_tracked";
const MAX_TRACKED = 100;

type Stored = { userId: string; userHash?: string };

export type Pathwise = ReturnType<typeof createClient>;

function classify(res: Response): SendResult {
  if (res.ok) return "ok";
  if (res.status === 408 || res.status === 429 || res.status >= 500) return "retry";
  return "drop"; // 4xx: the same body will be refused again
}

export function createClient(defaultHost: string) {
  let opts: Required<Omit<InitOptions, "userHash" | "cookieDomain" | "tourSrc">> & Pick<InitOptions, "cookieDomain" | "tourSrc"> = null!;
  let http: Transport = null!;
  let queue: Queue | null = null;
  let placements: Placements | null = null;
  let anonymousId = "";
  let user: Stored | null = null;
  const tracked = new Set<string>(load<string[]>(TRACKED_KEY) ?? []);
  // Calls made before init() are replayed once it runs.
  const early: Array<() => void> = [];
  let previewed: Rendered | null = null;

  const ready = () => queue !== null;
  // Identity verification: the hash the customer's server made for this userId (body field userHash).
  // Every message that names the userId carries it, or the server refuses the message.
  const hash = () => (user?.userHash ? { userHash: user.userHash } : {});
  const ids = () => (user ? { userId: user.userId, anonymousId, ...hash() } : { anonymousId });

  function context(): Props {
    return {
      library: { name: "pathwise.js", version: VERSION },
      page: { path: location.pathname, url: location.href, title: document.title, referrer: document.referrer },
      userAgent: navigator.userAgent,
      locale: navigator.language,
    };
  }

  function enqueue(m: Omit<Message, "messageId" | "timestamp" | "context">): void {
    const msg: Message = { ...m, messageId: uuid(), timestamp: new Date().toISOString(), context: context() };
    queue!.push(msg);
  }

  const api = {
    VERSION,

    init(o: InitOptions): void {
      if (ready()) return;
      if (!o || !o.writeKey) throw new Error("pathwise.init needs a writeKey");
      if (/^pw_sk_/.test(o.writeKey)) throw new Error("pathwise.init got a secret key; use a write key in the browser");
      opts = {
        apiHost: (o.apiHost || defaultHost).replace(/\/+$/, ""),
        writeKey: o.writeKey,
        batchSize: o.batchSize ?? 20,
        flushInterval: o.flushInterval ?? 1000,
        maxQueue: o.maxQueue ?? 500,
        page: o.page ?? false,
        cookieDomain: o.cookieDomain,
        tourSrc: o.tourSrc,
      };
      anonymousId = getCookie(ANON_COOKIE) || uuid();
      setCookie(ANON_COOKIE, anonymousId, opts.cookieDomain); // renews the year on every visit
      user = load<Stored>(USER_KEY);
      if (user && o.userHash) user.userHash = o.userHash;
      http = transport(opts.apiHost, opts.writeKey);
      queue = new Queue({
        storageKey: `pw_queue_${opts.writeKey.slice(-8)}`,
        batchSize: opts.batchSize,
        flushInterval: opts.flushInterval,
        maxQueue: opts.maxQueue,
        send: async (batch, keepalive) => classify(await http.post("/api/v1/batch", { batch }, { keepalive })),
      });
      placements = new Placements({
        decide: api.decide,
        outcome: (decisionId, type, score) => void api.outcome(decisionId, type, score),
        tourSrc: () => opts.tourSrc || `${opts.apiHost}/sdk-tour.js`,
        tracked,
        dismissedKey: "pw_dismissed",
      });
      // pagehide fires where unload does not (mobile, bfcache); visibilitychange covers tab switches.
      addEventListener("pagehide", () => queue!.flushOnExit());
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "hidden") queue!.flushOnExit();
      });
      addEventListener("online", () => void queue!.flush());
      if (opts.page) api.page();
      for (const f of early.splice(0)) f();
      if (queue.items.length) void queue.flush(); // messages left from an earlier, offline page
    },

    /** Names the user (your own id) and/or sets traits; anonymous events before it join this user. */
    identify(userId?: string | null | Props, traits?: Props, o?: { userHash?: string }): Promise<void> {
      if (userId && typeof userId === "object") return api.identify(null, userId, traits as { userHash?: string });
      if (!ready()) return deferred(() => api.identify(userId as string, traits, o));
      if (typeof userId === "string" && userId) {
        const hash = o?.userHash ?? (user?.userId === userId ? user.userHash : undefined);
        user = { userId, ...(hash ? { userHash: hash } : {}) };
        save(USER_KEY, user);
      }
      enqueue({ type: "identify", ...ids(), traits: traits ?? {}, ...hash() });
      // The user's flows may have moved (identify triggers, role conditions): ask placements again.
      return queue!.flush().then(() => placements!.refreshAll());
    },

    track(event: string, properties?: Props): void {
      if (!ready()) return void early.push(() => api.track(event, properties));
      if (!event) throw new Error("pathwise.track needs an event name");
      enqueue({ type: "track", ...ids(), event, properties: properties ?? {} });
      if (!tracked.has(event)) {
        tracked.add(event);
        save(TRACKED_KEY, Array.from(tracked).slice(-MAX_TRACKED));
      }
      placements!.eventTracked(event);
    },

    page(name?: string, properties?: Props): void {
      if (!ready()) return void early.push(() => api.page(name, properties));
      enqueue({
        type: "page",
        ...ids(),
        ...(name ? { name } : {}),
        properties: { ...(name ? { name } : {}), path: location.pathname, url: location.href, title: document.title, referrer: document.referrer, search: location.search, ...properties },
      });
    },

    /**
     * Joins another id (previousId, default this browser's anonymousId) to userId. With identity
     * verification on, both ids need their hashes from your server (userHash, previousIdHash).
     */
    alias(userId: string, previousId?: string, o?: { userHash?: string; previousIdHash?: string }): void {
      if (!ready()) return void early.push(() => api.alias(userId, previousId, o));
      const userHash = o?.userHash ?? (user?.userId === userId ? user.userHash : undefined);
      enqueue({
        type: "alias",
        userId,
        previousId: previousId || user?.userId || anonymousId,
        ...(userHash ? { userHash } : {}),
        ...(o?.previousIdHash ? { previousIdHash: o.previousIdHash } : {}),
      });
    },

    /** Sign-out: forget the user and start a new anonymous identity. */
    reset(): void {
      user = null;
      save(USER_KEY, null);
      anonymousId = uuid();
      if (ready()) setCookie(ANON_COOKIE, anonymousId, opts.cookieDomain);
    },

    /** Sends queued messages now. */
    flush(): Promise<void> {
      return ready() ? queue!.flush() : Promise.resolve();
    },

    /** The decisions for these placements, after this browser's queued events have been sent. */
    async decide(keys: string[]): Promise<Record<string, Decision | null>> {
      if (!ready()) await new Promise<void>((r) => early.push(r));
      await queue!.flush().catch(() => undefined);
      const body = { ...(user ? { userId: user.userId } : { anonymousId }), placements: keys, context: context(), ...hash() };
      const res = await http.post("/api/v1/decide", body);
      if (!res.ok) throw new Error(`decide answered ${res.status}`);
      const json = (await res.json()) as { decisions?: Record<string, Decision | null> };
      return json.decisions ?? {};
    },

    /** Records an outcome of a decision yourself (placements do it for you). */
    async outcome(decisionId: string, type: OutcomeType, score?: number): Promise<void> {
      if (!ready()) return;
      // keepalive: a click often navigates away before the request would finish.
      await http.post("/api/v1/outcomes", { decisionId, type, ...(score === undefined ? {} : { score }) }, { keepalive: true }).catch(() => undefined);
    },

    /**
     * Renders content into `el` as a placement would, without a write key, a decision or any request:
     * for previews (the console's message composer). Outcomes go to `onOutcome` only.
     */
    preview(el: Element, html: string, o?: { onOutcome?(type: OutcomeType, score?: number): void; tourSrc?: string; tracked?: string[] }): Rendered {
      previewed?.destroy();
      const report = (type: OutcomeType, score?: number) => o?.onOutcome?.(type, score);
      previewed = render(
        el,
        html,
        { visible: () => report("shown"), shown: () => report("shown"), clicked: () => report("clicked"), dismissed: () => report("dismissed"), answered: (s) => report("answered", s) },
        { tourSrc: o?.tourSrc || `${defaultHost}/sdk-tour.js`, tracked: new Set(o?.tracked ?? []), anchorWaitMs: 1500 },
      );
      return previewed;
    },

    /** Renders the decision for `key` into `target` (an element or a selector) and records its outcomes. */
    async placement(target: Element | string, key: string, o?: PlacementOptions): Promise<PlacementHandle | null> {
      if (!ready()) await new Promise<void>((r) => early.push(r));
      const el = typeof target === "string" ? document.querySelector(target) : target;
      if (!el) {
        console.warn(`[pathwise] no element for placement ${key}`);
        return null;
      }
      return placements!.add(el, key, o);
    },

    /** Re-asks every placement on the page. */
    refresh(): Promise<void> {
      return ready() ? placements!.refreshAll() : Promise.resolve();
    },

    user(): { userId: string | null; anonymousId: string } {
      return { userId: user?.userId ?? null, anonymousId };
    },
  };

  function deferred(f: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => early.push(() => f().then(resolve, reject)));
  }

  return api;
}
