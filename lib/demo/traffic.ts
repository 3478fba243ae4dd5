// The demo's simulated customers: a CRM export of roles, and each customer's 30 days of storefront
// behaviour. Behaviour is deterministic per seed and reacts to what the real /decide answered, so
// users who were shown a message convert more often than the holdout: the uplift the demo shows.
import { stringify } from "csv-stringify/sync";
import { PLACEMENTS, PRODUCTS, type Role } from "./flows";
import { LEVELS, type Level } from "./tutorials";

export type SimUser = { userId: string; anonymousId: string; name: string; email: string; role: Role; plan: "free" | "pro"; company: string; experience: Level };

export type SimMessage = {
  type: "track" | "identify" | "page";
  userId?: string;
  anonymousId?: string;
  event?: string;
  name?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  timestamp: string;
  messageId: string;
};

export type Decisions = Record<string, { decisionId: string; nodeId: string; variant?: string | null } | null>;

/** What the simulator needs from a server: the real ingestion, /decide and /outcomes. */
export type Api = {
  batch(messages: SimMessage[]): Promise<void>;
  decide(userId: string, placements: string[]): Promise<Decisions>;
  outcome(decisionId: string, type: "shown" | "clicked" | "dismissed"): Promise<void>;
};

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same customers. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Edsger", "Radia", "Tim", "Katherine", "Guido", "Hedy", "John"];
const LAST = ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Dijkstra", "Perlman", "Berners-Lee", "Johnson", "Rossum", "Lamarr", "McCarthy"];
const COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka"];

export function makeUsers(count: number, seed = 7): SimUser[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  return Array.from({ length: count }, (_, i) => {
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    const n = String(i + 1).padStart(5, "0");
    // Roughly one admin per five people, as in a team product.
    const x = r();
    const role: Role = x < 0.2 ? "admin" : x < 0.5 ? "manager" : "member";
    // The experience level the onboarding's tutorial depends on: by position, so the random draws (and
    // every other user's data) stay as they were.
    const experience = LEVELS[i % LEVELS.length];
    return { userId: `demo-${n}`, anonymousId: `demo-anon-${n}`, name, email: `user${n}@example.com`, role, plan: r() < 0.25 ? "pro" : "free", company: pick(COMPANIES), experience };
  });
}

/** The CRM export the demo imports (POST /api/v1/import): one row per user with a userId column. */
export function crmCsv(users: SimUser[]): string {
  return stringify(
    users.map((u) => ({ userId: u.userId, email: u.email, name: u.name, role: u.role, plan: u.plan, company: u.company })),
    { header: true, columns: ["userId", "email", "name", "role", "plan", "company"] },
  );
}

export type SimOptions = {
  now: number;
  days: number;
  seed: number;
  /**
   * "receipt" when the server enters runs at the time it receives the trigger rather than at the
   * event's timestamp: later events are then stamped no earlier than the sign-up batch was sent, or
   * their goals would predate the runs they convert.
   */
  entryClock?: "event" | "receipt";
};

export type SimTally = { users: number; messages: number; decisions: number; shown: number; clicked: number; conversions: number };

/** One customer's month, planned: the messages up to sign-up, then how they react to the decisions. */
export type UserPlan = {
  first: SimMessage[];
  placements: string[];
  /** Records outcomes for what /decide returned and answers the rest of the month's messages. */
  react(api: Api, decisions: Decisions, tally: SimTally, sentAt?: number): Promise<SimMessage[]>;
};

/**
 * One customer's month, in time order: arrives anonymously, signs up (identify with the role), maybe
 * browses Product A, maybe completes onboarding and orders. Conversion odds rise when /decide
 * returned a message, more when it was clicked, and 10% off beats free shipping.
 */
export function planUser(u: SimUser, index: number, opts: SimOptions): UserPlan {
  const r = rng(opts.seed * 100_003 + index);
  const DAY = 86_400_000;
  const start = opts.now - opts.days * DAY;
  // Sign-ups spread over the first days so every user has a few days left to convert.
  let t = start + r() * Math.max(0, opts.days - 4) * DAY;
  let floor = 0;
  const at = (plusHours: number) => {
    t = Math.max(floor, Math.min(opts.now - 60_000, t + plusHours * 3_600_000));
    return new Date(t).toISOString();
  };
  let seq = 0;
  const msg = (m: Omit<SimMessage, "messageId" | "timestamp">, plusHours = 0.05): SimMessage => ({ ...m, timestamp: at(plusHours), messageId: `${u.userId}-${++seq}` });
  const ids = { userId: u.userId, anonymousId: u.anonymousId };

  const first: SimMessage[] = [
    msg({ type: "page", anonymousId: u.anonymousId, name: "Home", properties: { path: "/demo", url: "https://shop.example/demo" } }, 0),
    msg({ type: "identify", ...ids, traits: { name: u.name, email: u.email, role: u.role, plan: u.plan, company: u.company, experience: u.experience } }),
    msg({ type: "track", ...ids, event: "Signed Up", properties: { role: u.role } }),
  ];
  const browses = r() < 0.7;
  const product = PRODUCTS[0];
  if (browses) first.push(msg({ type: "track", ...ids, event: "Product Viewed", properties: { name: product.name, product_id: product.id, price: product.price } }, 2 + r() * 24));

  async function react(api: Api, decisions: Decisions, tally: SimTally, sentAt?: number): Promise<SimMessage[]> {
    if (opts.entryClock === "receipt" && sentAt) floor = sentAt;
    const see = async (key: string, clickOdds: number): Promise<{ shown: boolean; clicked: boolean; variant: string | null }> => {
      const d = decisions[key];
      if (!d) return { shown: false, clicked: false, variant: null };
      await api.outcome(d.decisionId, "shown");
      tally.shown++;
      const clicked = r() < clickOdds;
      if (clicked) {
        await api.outcome(d.decisionId, "clicked");
        tally.clicked++;
      }
      return { shown: true, clicked, variant: d.variant ?? d.nodeId };
    };
    const onboarding = await see(PLACEMENTS.onboarding, 0.55);
    const offer = browses ? await see(PLACEMENTS.productOffer, 0.35) : { shown: false, clicked: false, variant: null };

    const later: SimMessage[] = [];
    // Onboarding: 22% finish on their own; a tooltip or checklist lifts that, a click lifts it more.
    const onboardOdds = 0.22 + (onboarding.shown ? 0.14 : 0) + (onboarding.clicked ? 0.12 : 0);
    if (onboarding.clicked && u.role === "admin" && r() < 0.6) later.push(msg({ type: "track", ...ids, event: "Team Invited", properties: {} }, 1 + r() * 12));
    if (r() < onboardOdds) later.push(msg({ type: "track", ...ids, event: "Onboarding Completed", properties: {} }, 6 + r() * 72));
    if (browses) {
      const discount = offer.variant === "pct" || offer.variant === "discount";
      const buyOdds = 0.08 + (offer.shown ? (discount ? 0.12 : 0.06) : 0) + (offer.clicked ? 0.08 : 0);
      const orders = r() < buyOdds ? (r() < 0.3 ? 2 : 1) : 0;
      for (let i = 0; i < orders; i++) {
        later.push(msg({ type: "track", ...ids, event: "Order Completed", properties: { name: product.name, product_id: product.id, revenue: product.price } }, 4 + r() * 48));
      }
      if (orders) tally.conversions++;
    }
    // Some keep coming back, which is what engagement scores and inactivity flows read.
    const visits = Math.floor(r() * 4);
    for (let i = 0; i < visits; i++) later.push(msg({ type: "page", ...ids, name: "Home", properties: { path: "/demo", url: "https://shop.example/demo" } }, 12 + r() * 72));
    return later;
  }

  return { first, placements: [PLACEMENTS.onboarding, PLACEMENTS.productOffer], react };
}

/** One customer alone: sign-up batch, /decide, outcomes, the rest of the month. */
export async function simulateUser(api: Api, u: SimUser, index: number, opts: SimOptions, tally: SimTally): Promise<void> {
  await simulateCohort(api, [u], index, opts, tally, 1);
}

/**
 * A cohort of customers with few requests: one batch for everybody's sign-up, a /decide (and
 * outcomes) per customer, one batch for everybody's next weeks. Each customer's messages stay in
 * time order.
 */
export async function simulateCohort(api: Api, users: SimUser[], firstIndex: number, opts: SimOptions, tally: SimTally, concurrency = 4): Promise<void> {
  const plans = users.map((u, i) => planUser(u, firstIndex + i, opts));
  const first = plans.flatMap((p) => p.first);
  await api.batch(first);
  // Taken after the answer, so it is never earlier than the server's time of receipt.
  const sentAt = Date.now() + 1;
  tally.messages += first.length;
  const later: SimMessage[][] = new Array(plans.length);
  await pool(plans, concurrency, async (p, i) => {
    const decisions = await api.decide(users[i].userId, p.placements);
    tally.decisions++;
    later[i] = await p.react(api, decisions, tally, sentAt);
  });
  const rest = later.flat();
  if (rest.length) {
    await api.batch(rest);
    tally.messages += rest.length;
  }
  tally.users += users.length;
}

/** Runs `work` over items with at most `concurrency` in flight, reporting each completion. */
export async function pool<T>(items: T[], concurrency: number, work: (item: T, i: number) => Promise<void>, progress?: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
      progress?.(++done);
    }
  });
  await Promise.all(runners);
}

/** A one-line terminal progress bar. */
export function bar(done: number, total: number, width = 30, extra = ""): string {
  const f = total ? done / total : 1;
  const full = Math.round(f * width);
  return `[${"#".repeat(full)}${"-".repeat(width - full)}] ${String(Math.round(f * 100)).padStart(3)}% ${done}/${total}${extra ? ` ${extra}` : ""}`;
}
