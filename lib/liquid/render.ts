// The Liquid environment for message content and trait updates: HTML-escaped output, strict variables,
// no file system, bounded parse/render cost, and errors returned as values with a fallback.
//
// API
//   renderTemplate(template, ctx, fallback?) =>
//     { ok: true, output } | { ok: false, output: fallback ?? "", error }      (synchronous)
//   liquidContext({ traits, userId, event, flow, group?, recommendations? }) => LiquidContext  (docs/api.md §5 context)
//   checkTemplate(template) => { ok: true } | { ok: false, error }          (parse only, for editors)
//
// Rules
//   - Every `{{ }}` output is HTML-escaped unless the last filter is `| raw`.
//   - Reading a variable that does not exist is an error (so the fallback is used), except inside
//     `if`/`unless` conditions and when followed by `| default: ...`.
//   - include / render / layout are refused at parse time; no template is ever read from disk.
//   - Templates longer than 20 000 characters are refused; a render is cut off after 100 ms or when it
//     builds more than 1e6 units of strings/arrays (liquidjs limits), and that is an error.
//   - Parsed templates are kept in a small LRU (500), keyed by their text.
//   - Rendering is synchronous and holds the event loop, so one request (an ingestion, a job run, a
//     simulation: withRenderBudget) may spend at most RENDER_BUDGET_MS rendering in all; each template
//     gets what is left (at most its own 100 ms), and once it is spent templates fail at once (their
//     fallback is used) — one flow of many heavy templates cannot stall other requests for seconds.
import { Drop, Liquid, type Template } from "liquidjs";

export type LiquidContext = {
  user: Record<string, unknown>;
  /** The user's group (account): its traits plus `id`; empty when the user belongs to none. */
  group: Record<string, unknown>;
  event: { name: string | null; properties: Record<string, unknown> };
  flow: { id: string; name: string };
  /** `recommendations.<list>` (docs/api.md §9): lists loaded by the runtime; any other name reads as []. */
  recommendations: Recommendations;
};

/**
 * The recommendation lists a template may read. The runtime loads only the lists its flows' templates
 * name (rendering is synchronous), so a list it did not load, or a name that is no list, reads as an
 * empty list, never a missing variable.
 */
export class Recommendations extends Drop {
  constructor(private readonly lists: Readonly<Record<string, readonly unknown[]>> = {}) {
    super();
  }
  liquidMethodMissing(key: string | number): unknown[] {
    const k = String(key);
    return Object.prototype.hasOwnProperty.call(this.lists, k) ? [...this.lists[k]] : [];
  }
}

export type RenderResult = { ok: true; output: string } | { ok: false; output: string; error: string };

export const LIQUID_LIMITS = { maxTemplateLength: 20_000, renderMs: 100, memory: 1_000_000, cacheSize: 500 } as const;

/** What is left of the rendering budget of the request being served (lib/liquid/budget.ts). */
export type RenderBudget = { limitMs: number; remainingMs: number };
/** Where lib/liquid/budget.ts (server only) keeps its store; absent in a browser. */
export const BUDGET_HOOK = "__pathwiseRenderBudget";
const currentBudget = (): RenderBudget | undefined =>
  (globalThis as unknown as Record<string, { getStore(): RenderBudget | undefined } | undefined>)[BUDGET_HOOK]?.getStore();

const refuse = (what: string) => {
  throw new Error(`${what} is not available in Pathwise templates`);
};

const noFs = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => refuse("Reading files"),
  readFileSync: () => refuse("Reading files"),
  resolve: () => refuse("Reading files"),
  contains: () => false,
  sep: "/",
};

function createEngine(): Liquid {
  const engine = new Liquid({
    outputEscape: "escape",
    strictVariables: true,
    lenientIf: true,
    strictFilters: true,
    ownPropertyOnly: true,
    relativeReference: false,
    root: [],
    partials: [],
    layouts: [],
    fs: noFs as never,
    templates: {},
    cache: false,
    parseLimit: LIQUID_LIMITS.maxTemplateLength,
    renderLimit: LIQUID_LIMITS.renderMs,
    memoryLimit: LIQUID_LIMITS.memory,
    timezoneOffset: 0,
  });
  for (const tag of ["include", "render", "layout"]) {
    engine.registerTag(tag, {
      parse() {
        refuse(`The ${tag} tag`);
      },
      render() {
        return "";
      },
    });
  }
  return engine;
}

const engine = createEngine();

// Least-recently-used cache of parsed templates: a Map keeps insertion order, so re-inserting on a hit
// moves the entry to the end and the first key is the stalest.
const parsed = new Map<string, Template[] | { error: string }>();

function parse(template: string): Template[] | { error: string } {
  const hit = parsed.get(template);
  if (hit) {
    parsed.delete(template);
    parsed.set(template, hit);
    return hit;
  }
  let result: Template[] | { error: string };
  if (template.length > LIQUID_LIMITS.maxTemplateLength) {
    result = { error: `The template is longer than ${LIQUID_LIMITS.maxTemplateLength} characters` };
  } else {
    try {
      result = engine.parse(template);
    } catch (e) {
      result = { error: errorText(e) };
    }
  }
  parsed.set(template, result);
  if (parsed.size > LIQUID_LIMITS.cacheSize) parsed.delete(parsed.keys().next().value as string);
  return result;
}

function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // liquidjs appends a source excerpt after the first line; the first line is the useful part
  return msg.split("\n")[0].slice(0, 500);
}

/** Parses only: lets editors and validation show a template error before anything runs. */
export function checkTemplate(template: string): { ok: true } | { ok: false; error: string } {
  const t = parse(template);
  return "error" in t ? { ok: false, error: t.error } : { ok: true };
}

/** Renders synchronously; never throws. On any failure the output is the fallback (or ""). */
export function renderTemplate(template: string, ctx: LiquidContext, fallback?: string): RenderResult {
  // Plain text is the common case for short copy: skip the engine.
  if (!template.includes("{")) return { ok: true, output: template };
  const t = parse(template);
  if ("error" in t) return { ok: false, output: fallback ?? "", error: t.error };
  const budget = currentBudget();
  if (budget && budget.remainingMs <= 0) {
    return { ok: false, output: fallback ?? "", error: `The rendering budget of this request (${budget.limitMs} ms) is spent; the template was not rendered` };
  }
  const started = performance.now();
  try {
    const renderLimit = budget ? Math.max(1, Math.min(LIQUID_LIMITS.renderMs, Math.ceil(budget.remainingMs))) : LIQUID_LIMITS.renderMs;
    const output = engine.renderSync(t, ctx, { renderLimit });
    return { ok: true, output: typeof output === "string" ? output : String(output) };
  } catch (e) {
    return { ok: false, output: fallback ?? "", error: errorText(e) };
  } finally {
    if (budget) budget.remainingMs -= performance.now() - started;
  }
}

/** The context of docs/api.md §5: `user` (traits plus `user.id`), `group` (the user's group traits), `event`, `flow`. */
export function liquidContext(input: {
  traits: Record<string, unknown>;
  userId?: string | null;
  event?: { name: string; properties?: Record<string, unknown> | null } | null;
  flow: { id: string; name: string };
  group?: Record<string, unknown> | null;
  recommendations?: Record<string, readonly unknown[]> | null;
}): LiquidContext {
  return {
    // `id` last so a trait named "id" cannot impersonate the user id; null (not absent) for an anonymous
    // user, so `{{ user.id | default: "friend" }}` and `{% if user.id %}` behave.
    user: { ...input.traits, id: input.userId ?? null },
    group: input.group ?? {},
    event: { name: input.event?.name ?? null, properties: input.event?.properties ?? {} },
    flow: { id: input.flow.id, name: input.flow.name },
    recommendations: new Recommendations(input.recommendations ?? {}),
  };
}

/** The recommendation lists a text (a template, a flow's graph) names as `recommendations.<list>`; "*" when it reads the object otherwise. */
export function recommendationsNamed(text: string): Set<string> {
  const out = new Set<string>();
  if (!text.includes("recommendations")) return out;
  for (const m of text.matchAll(/recommendations(?:\.([A-Za-z_]\w*)|\[\s*(?:"|')([A-Za-z_]\w*)(?:"|')\s*\]|(\W|$))/g)) out.add(m[1] ?? m[2] ?? "*");
  return out;
}
