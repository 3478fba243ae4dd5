// The demo's flows: the case-study templates with their in-app messages dressed as the SDK's
// micro-interactions (tooltips anchored to storefront buttons, a checklist, a badge, banners), plus a
// split and a holdout so the results page has an uplift to show.
import { TEMPLATES, type FlowTemplate } from "@/lib/flow/templates";
import type { FlowNode, Graph, SettingsInput } from "@/lib/flow/schema";

export type DemoFlow = { key: DemoFlowKey; name: string; graph: Graph; settings: SettingsInput };
export type DemoFlowKey = "onboarding" | "product-offer" | "top-buyer" | "for-you";

/** Placements the storefront renders (app/demo) and the simulator asks for. */
export const PLACEMENTS = {
  onboarding: "onboarding",
  checklist: "onboarding_checklist",
  productOffer: "product_offer",
  badge: "account_badge",
  home: "home_banner",
  forYou: "for_you",
} as const;

/** Anchors on the storefront's account page that onboarding tooltips point at. */
export const ANCHORS = { invite: "#invite-team", reports: "#reports-link", projects: "#projects-link" } as const;

export const PRODUCTS = [
  { id: "a", name: "Product A", price: 49, blurb: "The everyday essential. Light, sturdy, and ready for anything." },
  { id: "b", name: "Product B", price: 89, blurb: "Twice the capacity, for teams that move fast." },
  { id: "c", name: "Product C", price: 129, blurb: "The premium pick, with a lifetime warranty." },
] as const;

export const ROLES = ["admin", "manager", "member"] as const;
export type Role = (typeof ROLES)[number];

const template = (id: string): FlowTemplate => {
  const t = TEMPLATES.find((x) => x.id === id);
  if (!t) throw new Error(`The demo needs the "${id}" template`);
  return structuredClone(t);
};

function replaceNode(graph: Graph, id: string, node: FlowNode): void {
  const i = graph.nodes.findIndex((n) => n.id === id);
  if (i < 0) throw new Error(`Template node ${id} is missing`);
  graph.nodes[i] = { ...node, position: graph.nodes[i].position };
}

const inApp = (id: string, placement: string, content: string, fallback?: string): FlowNode => ({
  id,
  type: "message",
  data: { channel: "in_app", placement, content, ...(fallback ? { fallback } : {}) },
});

const tooltip = (anchor: string, title: string, body: string) =>
  `<div data-pw-kind="tooltip" data-pw-anchor="${anchor}" data-pw-title="${title}"><strong>${title}</strong><p>${body}</p><button>Show me</button></div>`;

/**
 * Role-based onboarding (template "role-onboarding"): admins get a tooltip on "Invite your team",
 * managers one on "Reports", members a progress checklist, unknown roles a banner; the day-later
 * email becomes an in-app checklist. 20% holdout to measure what onboarding adds.
 */
export function onboardingFlow(opts: { holdout?: number } = {}): DemoFlow {
  const t = template("role-onboarding");
  const g = t.graph;
  replaceNode(g, "admin-tour", inApp("admin-tour", PLACEMENTS.onboarding, tooltip(ANCHORS.invite, "Invite your team", "Admins who invite their team in the first week get twice the value, {{ user.name | default: 'there' }}."), "Invite your team"));
  replaceNode(g, "manager-tour", inApp("manager-tour", PLACEMENTS.onboarding, tooltip(ANCHORS.reports, "Build your first report", "Managers start here: a dashboard of your team's work."), "Build your first report"));
  replaceNode(
    g,
    "member-tour",
    inApp(
      "member-tour",
      PLACEMENTS.onboarding,
      `<div data-pw-kind="checklist" data-pw-title="Get set up"><ul><li data-pw-done>Create your account</li><li data-pw-event="Product Viewed">Browse the catalogue</li><li data-pw-event="Onboarding Completed">Finish onboarding</li></ul></div>`,
    ),
  );
  replaceNode(g, "ask-role", inApp("ask-role", PLACEMENTS.onboarding, `<div data-pw-kind="banner"><strong>Tell us your role</strong> so we can tailor your tour.</div>`));
  replaceNode(
    g,
    "checklist",
    inApp(
      "checklist",
      PLACEMENTS.checklist,
      `<div data-pw-kind="checklist" data-pw-title="Your setup, {{ user.name | default: 'friend' }}"><ul><li data-pw-done>Sign up</li><li data-pw-event="Team Invited">Invite your team</li><li data-pw-event="Onboarding Completed">Finish onboarding</li></ul></div>`,
    ),
  );
  return { key: "onboarding", name: "Demo: role-based onboarding", graph: g, settings: { ...t.settings, holdout: opts.holdout ?? 20 } };
}

/**
 * Product A offer (template "product-view-discount"), shown on the first view: an A/B split between
 * 10% off and free shipping, with a 10% holdout.
 */
export function productOfferFlow(opts: { holdout?: number; split?: boolean } = {}): DemoFlow {
  const t = template("product-view-discount");
  const trigger = t.graph.nodes.find((n) => n.id === "viewed")!;
  const goal = t.settings.goal;
  const banner = (text: string) => `<div data-pw-kind="banner"><strong>${text}</strong> <a href="/demo/cart">Go to cart</a></div>`;
  const discount = inApp("discount", PLACEMENTS.productOffer, banner("10% off Product A with code PRODUCTA10"), "10% off Product A");
  const shipping = inApp("free-shipping", PLACEMENTS.productOffer, banner("Free shipping on Product A today"), "Free shipping on Product A");
  const graph: Graph =
    opts.split === false
      ? { nodes: [trigger, { ...discount, position: { x: 150, y: 170 } }], edges: [{ id: "e1", source: "viewed", target: "discount" }] }
      : {
          nodes: [
            trigger,
            { id: "offer-test", type: "split", position: { x: 150, y: 170 }, data: { branches: [{ id: "pct", weight: 50, label: "10% off" }, { id: "ship", weight: 50, label: "Free shipping" }] } },
            { ...discount, position: { x: 0, y: 340 } },
            { ...shipping, position: { x: 300, y: 340 } },
          ],
          edges: [
            { id: "e1", source: "viewed", target: "offer-test" },
            { id: "e2", source: "offer-test", target: "discount", sourceHandle: "pct" },
            { id: "e3", source: "offer-test", target: "free-shipping", sourceHandle: "ship" },
          ],
        };
  return { key: "product-offer", name: "Demo: Product A offer", graph, settings: { ...t.settings, goal, holdout: opts.holdout ?? 10 } };
}

/** A "Top Buyer" badge once a user has ordered twice within 30 days. */
export function topBuyerFlow(): DemoFlow {
  return {
    key: "top-buyer",
    name: "Demo: Top Buyer badge",
    graph: {
      nodes: [
        { id: "ordered", type: "trigger", position: { x: 150, y: 0 }, data: { on: { type: "event", event: "Order Completed" } } },
        { id: "repeat", type: "condition", position: { x: 150, y: 170 }, data: { if: { event: "Order Completed", within: "P30D", count: { gte: 2 } } } },
        { id: "badge", type: "message", position: { x: 0, y: 340 }, data: { channel: "in_app", placement: PLACEMENTS.badge, content: `<span data-pw-kind="badge">Top Buyer</span>` } },
        { id: "not-yet", type: "exit", position: { x: 300, y: 340 }, data: {} },
      ],
      edges: [
        { id: "e1", source: "ordered", target: "repeat" },
        { id: "e2", source: "repeat", target: "badge", sourceHandle: "yes" },
        { id: "e3", source: "repeat", target: "not-yet", sourceHandle: "no" },
      ],
    },
    settings: { reentry: "always", goal: { event: "Order Completed", within: "P30D" } },
  };
}

/** The storefront's catalog (docs/api.md §9): what product pages' views and orders name by product_id. */
export function demoCatalog() {
  return PRODUCTS.map((p) => ({ id: p.id, name: p.name, price: p.price, url: `/demo/products/${p.id}`, category: "essentials", attributes: { blurb: p.blurb } }));
}

/**
 * "For you" on product pages: every product view re-renders a strip of recommendations.for_you (items
 * co-viewed with the visitor's latest ones, backed by what is popular; the product on screen and
 * anything bought left out). Nothing to suggest yet: an empty strip.
 */
export function forYouFlow(): DemoFlow {
  const content =
    `{% if recommendations.for_you.size > 0 %}<div data-pw-kind="banner"><strong>For you</strong><ul>` +
    `{% for p in recommendations.for_you limit: 3 %}<li><a href="{{ p.url }}">{{ p.name }}</a> · \${{ p.price }}</li>{% endfor %}</ul></div>{% endif %}`;
  return {
    key: "for-you",
    name: "Demo: For you strip",
    graph: {
      nodes: [
        { id: "viewed", type: "trigger", label: "Product viewed", position: { x: 150, y: 0 }, data: { on: { type: "event", event: "Product Viewed" } } },
        { id: "strip", type: "message", label: "For you strip", position: { x: 150, y: 170 }, data: { channel: "in_app", placement: PLACEMENTS.forYou, content } },
      ],
      edges: [{ id: "e1", source: "viewed", target: "strip" }],
    },
    settings: { reentry: "always" },
  };
}

export function demoFlows(): DemoFlow[] {
  return [onboardingFlow(), productOfferFlow(), topBuyerFlow(), forYouFlow()];
}
