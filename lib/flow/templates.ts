// "New flow" templates: whole, valid flow documents a marketer starts from.
import type { TestCaseInput } from "@/lib/cases/schema";
import type { Graph, SettingsInput } from "./schema";

/** `tests`: the cases a flow made from the template starts with (steps named by node id). */
export type FlowTemplate = { id: string; name: string; description: string; graph: Graph; settings: SettingsInput; tests?: TestCaseInput[] };

const track = (at: string, event: string, properties?: Record<string, unknown>) => ({ at, type: "track" as const, event, ...(properties ? { properties } : {}) });
const identify = (at: string, traits: Record<string, unknown>) => ({ at, type: "identify" as const, traits });

// Grid of the hand-placed templates: columns 300 px apart, rows 170 px apart.
const at = (col: number, row: number) => ({ x: col * 300, y: row * 170 });

export const TEMPLATES: FlowTemplate[] = [
  {
    id: "blank",
    name: "Blank flow",
    description: "Start with a single trigger and draw the rest.",
    graph: {
      nodes: [{ id: "trigger", type: "trigger", position: { x: 0, y: 0 }, data: { on: { type: "event", event: "Signed Up" } } }],
      edges: [],
    },
    settings: {},
  },
  {
    id: "role-onboarding",
    name: "Role-based onboarding",
    description: "Greet admins, managers and members with their own tour; ask for the role when it is unknown.",
    graph: {
      nodes: [
        { id: "identified", type: "trigger", position: at(1, 0), data: { on: { type: "identify" } } },
        { id: "is-admin", type: "condition", position: at(1, 1), data: { if: { trait: "role", op: "eq", value: "admin" } } },
        { id: "admin-tour", type: "message", position: at(0, 2), data: { channel: "in_app", placement: "onboarding", content: "Welcome, {{ user.name | default: 'admin' }}! Invite your team and set up billing.", fallback: "Welcome! Invite your team." } },
        { id: "is-manager", type: "condition", position: at(1, 2), data: { if: { trait: "role", op: "eq", value: "manager" } } },
        { id: "ask-role", type: "message", position: at(2, 2), data: { channel: "in_app", placement: "onboarding", content: "Tell us about your role so we can tailor your tour." } },
        { id: "manager-tour", type: "message", position: at(0.5, 3), data: { channel: "in_app", placement: "onboarding", content: "Create your first team dashboard, {{ user.name | default: 'there' }}." } },
        { id: "member-tour", type: "message", position: at(1.5, 3), data: { channel: "in_app", placement: "onboarding", content: "Here is how to find the projects shared with you." } },
        { id: "wait-1d", type: "wait", position: at(1, 4), data: { for: "P1D" } },
        { id: "checklist", type: "message", position: at(1, 5), data: { channel: "email", subject: "Your getting-started checklist", body: "Hi {{ user.name | default: 'there' }}, three steps remain in your setup.", to: "{{ user.email }}", fallback: "Three steps remain in your setup." } },
      ],
      edges: [
        { id: "e1", source: "identified", target: "is-admin" },
        { id: "e2", source: "is-admin", target: "admin-tour", sourceHandle: "yes" },
        { id: "e3", source: "is-admin", target: "is-manager", sourceHandle: "no" },
        { id: "e4", source: "is-admin", target: "ask-role", sourceHandle: "missing" },
        { id: "e5", source: "is-manager", target: "manager-tour", sourceHandle: "yes" },
        { id: "e6", source: "is-manager", target: "member-tour", sourceHandle: "no" },
        { id: "e7", source: "admin-tour", target: "wait-1d" },
        { id: "e8", source: "manager-tour", target: "wait-1d" },
        { id: "e9", source: "member-tour", target: "wait-1d" },
        { id: "e10", source: "wait-1d", target: "checklist" },
      ],
    },
    tests: [
      {
        name: "Admin gets the admin tour, then the checklist",
        events: [identify("PT1M", { role: "admin", name: "Ada", email: "ada@example.com" })],
        expect: { enters: true, steps: ["identified", "is-admin", "admin-tour", "wait-1d", "checklist"], messages: [{ step: "admin-tour", contains: "Welcome, Ada!" }, { step: "checklist", channel: "email", contains: "three steps remain" }] },
      },
      {
        name: "Manager gets the manager tour",
        events: [identify("PT1M", { role: "manager", name: "Max" })],
        expect: { enters: true, steps: ["is-admin", "is-manager", "manager-tour"], messages: [{ step: "manager-tour", contains: "team dashboard, Max" }] },
      },
      {
        name: "Unknown role is asked for it",
        events: [identify("PT1M", { name: "Sam" })],
        expect: { enters: true, steps: ["is-admin", "ask-role"], messages: [{ step: "ask-role", contains: "Tell us about your role" }] },
      },
    ],
    settings: { goal: { event: "Onboarding Completed", within: "P14D" }, exitOnGoal: true },
  },
  {
    id: "abandoned-cart",
    name: "Abandoned cart",
    description: "Wait up to 4 hours for the order; if it does not come, email a reminder, then offer a discount.",
    graph: {
      nodes: [
        { id: "cart", type: "trigger", position: at(1, 0), data: { on: { type: "event", event: "Product Added" } } },
        { id: "wait-order", type: "wait", position: at(1, 1), data: { until: { event: "Order Completed" }, timeout: "PT4H" } },
        { id: "done", type: "exit", position: at(0, 2), data: {} },
        { id: "reminder", type: "message", position: at(2, 2), data: { channel: "email", subject: "You left something in your cart", body: "Hi {{ user.name | default: 'there' }}, your {{ event.properties.name | default: 'items' }} are waiting.", to: "{{ user.email }}", fallback: "Your cart is waiting." } },
        { id: "wait-1d", type: "wait", position: at(2, 3), data: { until: { event: "Order Completed" }, timeout: "P1D" } },
        { id: "discount", type: "message", position: at(2.5, 4), data: { channel: "in_app", placement: "cart_banner", content: "Complete your order today and save 10% with code CART10." } },
        { id: "done-2", type: "exit", position: at(1.5, 4), data: {} },
      ],
      edges: [
        { id: "e1", source: "cart", target: "wait-order" },
        { id: "e2", source: "wait-order", target: "done", sourceHandle: "matched" },
        { id: "e3", source: "wait-order", target: "reminder", sourceHandle: "timeout" },
        { id: "e4", source: "reminder", target: "wait-1d" },
        { id: "e5", source: "wait-1d", target: "done-2", sourceHandle: "matched" },
        { id: "e6", source: "wait-1d", target: "discount", sourceHandle: "timeout" },
      ],
    },
    tests: [
      {
        name: "Orders within 4 hours: no reminder",
        events: [track("PT0S", "Product Added", { name: "shoes" }), track("PT2H", "Order Completed")],
        expect: { enters: true, steps: ["cart", "wait-order"], converts: true },
      },
      {
        name: "Never orders: reminder, then discount",
        profile: { traits: { name: "Ada", email: "ada@example.com" } },
        events: [track("PT0S", "Product Added", { name: "shoes" })],
        expect: { enters: true, steps: ["wait-order", "reminder", "wait-1d", "discount"], messages: [{ step: "reminder", contains: "your shoes are waiting" }, { step: "discount", contains: "CART10" }], converts: false },
      },
    ],
    settings: { goal: { event: "Order Completed", within: "P2D" }, exitOnGoal: true, reentry: "P7D" },
  },
  {
    id: "product-view-discount",
    name: "Product view discount",
    description: "Users who viewed Product A twice this week see a 10% discount banner.",
    graph: {
      nodes: [
        { id: "viewed", type: "trigger", position: at(0.5, 0), data: { on: { type: "event", event: "Product Viewed", where: [{ property: "name", op: "eq", value: "Product A" }] } } },
        { id: "viewed-twice", type: "condition", position: at(0.5, 1), data: { if: { event: "Product Viewed", where: [{ property: "name", op: "eq", value: "Product A" }], within: "P7D", count: { gte: 2 } } } },
        { id: "discount", type: "message", position: at(0, 2), data: { channel: "in_app", placement: "banner", content: "Still thinking about Product A? Take 10% off with code PRODUCTA10.", fallback: "10% off Product A" } },
        { id: "not-yet", type: "exit", position: at(1, 2), data: {} },
      ],
      edges: [
        { id: "e1", source: "viewed", target: "viewed-twice" },
        { id: "e2", source: "viewed-twice", target: "discount", sourceHandle: "yes" },
        { id: "e3", source: "viewed-twice", target: "not-yet", sourceHandle: "no" },
      ],
    },
    tests: [
      {
        name: "Second view this week: discount",
        profile: { pastEvents: [{ ago: "P2D", event: "Product Viewed", properties: { name: "Product A" } }] },
        events: [track("PT1M", "Product Viewed", { name: "Product A" })],
        expect: { enters: true, steps: ["viewed-twice", "discount"], messages: [{ step: "discount", contains: "PRODUCTA10" }] },
      },
      {
        name: "First view: no discount yet",
        events: [track("PT1M", "Product Viewed", { name: "Product A" })],
        expect: { enters: true, steps: ["viewed-twice", "not-yet"], messages: [] },
      },
      { name: "Product B does not enter", events: [track("PT1M", "Product Viewed", { name: "Product B" })], expect: { enters: false } },
    ],
    settings: { goal: { event: "Order Completed", where: [{ property: "name", op: "eq", value: "Product A" }], within: "P7D" }, exitOnGoal: true, reentry: "P30D" },
  },
  {
    id: "inactivity-winback",
    name: "24 h inactivity win-back",
    description: "After a day of silence, email a nudge; when they return, welcome them back in the app.",
    graph: {
      nodes: [
        { id: "quiet", type: "trigger", position: at(0, 0), data: { on: { type: "inactivity", after: "PT24H" } } },
        { id: "nudge", type: "message", position: at(0, 1), data: { channel: "email", subject: "We saved your spot, {{ user.name | default: 'friend' }}", body: "Pick up where you left off.", to: "{{ user.email }}", fallback: "Pick up where you left off." } },
        { id: "wait-return", type: "wait", position: at(0, 2), data: { until: { event: "Session Started" }, timeout: "P3D" } },
        { id: "welcome-back", type: "message", position: at(-0.5, 3), data: { channel: "in_app", placement: "home", content: "Welcome back! Here is what changed while you were away." } },
        { id: "gave-up", type: "update", position: at(0.5, 3), data: { set: { churn_risk: "high" } } },
      ],
      edges: [
        { id: "e1", source: "quiet", target: "nudge" },
        { id: "e2", source: "nudge", target: "wait-return" },
        { id: "e3", source: "wait-return", target: "welcome-back", sourceHandle: "matched" },
        { id: "e4", source: "wait-return", target: "gave-up", sourceHandle: "timeout" },
      ],
    },
    tests: [
      {
        name: "Comes back after the nudge",
        profile: { traits: { name: "Ada", email: "ada@example.com" } },
        events: [track("P1DT2H", "Session Started")],
        expect: { enters: true, steps: ["quiet", "nudge", "wait-return", "welcome-back"], messages: [{ step: "nudge", contains: "Pick up where you left off" }, { step: "welcome-back", contains: "Welcome back!" }], converts: true },
      },
      {
        name: "Stays away: marked as a churn risk",
        expect: { enters: true, steps: ["nudge", "wait-return", "gave-up"], converts: false },
      },
    ],
    settings: { goal: { event: "Session Started", within: "P3D" }, reentry: "P7D" },
  },
  {
    id: "pricing-intent",
    name: "Pricing-page intent",
    description: "Three pricing-page views in a day: free users get a talk-to-sales offer, and the intent is recorded.",
    graph: {
      nodes: [
        { id: "pricing-3x", type: "trigger", position: at(0.5, 0), data: { on: { type: "behavior", event: "Page Viewed", where: [{ property: "path", op: "eq", value: "/pricing" }], count: { gte: 3 }, within: "P1D" } } },
        { id: "mark-intent", type: "update", position: at(0.5, 1), data: { set: { pricing_intent: true } } },
        { id: "is-free", type: "condition", position: at(0.5, 2), data: { if: { any: [{ trait: "plan", op: "eq", value: "free" }, { trait: "plan", op: "not_exists" }] } } },
        { id: "sales-offer", type: "message", position: at(0, 3), data: { channel: "in_app", placement: "pricing_modal", content: "Questions about plans? Book 15 minutes with our team." } },
        { id: "paid", type: "exit", position: at(1, 3), data: {} },
      ],
      edges: [
        { id: "e1", source: "pricing-3x", target: "mark-intent" },
        { id: "e2", source: "mark-intent", target: "is-free" },
        { id: "e3", source: "is-free", target: "sales-offer", sourceHandle: "yes" },
        { id: "e4", source: "is-free", target: "paid", sourceHandle: "no" },
      ],
    },
    tests: [
      {
        name: "Free user on the third pricing view: sales offer",
        profile: { traits: { plan: "free" } },
        events: [track("PT1M", "Page Viewed", { path: "/pricing" }), track("PT2M", "Page Viewed", { path: "/pricing" }), track("PT3M", "Page Viewed", { path: "/pricing" })],
        expect: { enters: true, steps: ["pricing-3x", "mark-intent", "is-free", "sales-offer"], messages: [{ step: "sales-offer", contains: "Book 15 minutes" }] },
      },
      {
        name: "Paying user: intent recorded, no offer",
        profile: { traits: { plan: "pro" } },
        events: [track("PT1M", "Page Viewed", { path: "/pricing" }), track("PT2M", "Page Viewed", { path: "/pricing" }), track("PT3M", "Page Viewed", { path: "/pricing" })],
        expect: { enters: true, steps: ["mark-intent", "is-free", "paid"], messages: [] },
      },
      { name: "Two views do not enter", events: [track("PT1M", "Page Viewed", { path: "/pricing" }), track("PT2M", "Page Viewed", { path: "/pricing" })], expect: { enters: false } },
    ],
    settings: { goal: { event: "Plan Upgraded", within: "P14D" }, exitOnGoal: true, reentry: "P30D" },
  },
  {
    id: "ab-banner",
    name: "A/B banner test",
    description: "Two banner variants, 50/50, with a 10% holdout that sees nothing, to measure uplift.",
    graph: {
      nodes: [
        { id: "session", type: "trigger", position: at(0.5, 0), data: { on: { type: "event", event: "Session Started" } } },
        { id: "ab", type: "split", position: at(0.5, 1), data: { branches: [{ id: "a", weight: 50, label: "Variant A" }, { id: "b", weight: 50, label: "Variant B" }] } },
        { id: "banner-a", type: "message", position: at(0, 2), data: { channel: "in_app", placement: "home_banner", content: "Upgrade today and get 2 months free." } },
        { id: "banner-b", type: "message", position: at(1, 2), data: { channel: "in_app", placement: "home_banner", content: "Teams on Pro ship 30% faster. Try it free." } },
      ],
      edges: [
        { id: "e1", source: "session", target: "ab" },
        { id: "e2", source: "ab", target: "banner-a", sourceHandle: "a" },
        { id: "e3", source: "ab", target: "banner-b", sourceHandle: "b" },
      ],
    },
    tests: [
      {
        name: "Variant A sees the two-months-free banner",
        profile: { userId: "case-variant-a" },
        variants: { ab: "a" },
        events: [track("PT1M", "Session Started")],
        expect: { enters: true, variant: { step: "ab", branch: "Variant A" }, messages: [{ step: "banner-a", contains: "2 months free" }] },
      },
      {
        name: "Variant B sees the ship-faster banner",
        profile: { userId: "case-variant-b" },
        variants: { ab: "b" },
        events: [track("PT1M", "Session Started")],
        expect: { enters: true, variant: { step: "ab", branch: "Variant B" }, messages: [{ step: "banner-b", contains: "ship 30% faster" }] },
      },
    ],
    settings: { goal: { event: "Plan Upgraded", within: "P14D" }, holdout: 10, reentry: "never" },
  },
];
