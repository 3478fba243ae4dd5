// What each kind of node looks like (colour, icon, name) and what the palette adds for it.
import type { FlowNode, NodeType } from "@/lib/flow/schema";

export type Kind = {
  /** Palette key: a node type, or a message channel. */
  key: string;
  type: NodeType;
  label: string;
  hint: string;
  /** Tailwind classes: icon tile, accent border, minimap colour. */
  tile: string;
  accent: string;
  color: string;
  icon: React.ReactNode;
  make: () => FlowNode["data"];
};

const svg = (d: React.ReactNode) => (
  <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
    {d}
  </svg>
);

export const ICONS = {
  trigger: svg(<path d="M13 2 4 14h7l-1 8 9-12h-7l1-8z" />),
  condition: svg(
    <>
      <path d="M6 3v6a3 3 0 0 0 3 3h6a3 3 0 0 1 3 3v6" />
      <path d="M6 21v-6" />
      <circle cx="6" cy="3" r="1" />
    </>,
  ),
  split: svg(
    <>
      <path d="M12 3v6" />
      <path d="M12 9 5 16v5" />
      <path d="m12 9 7 7v5" />
    </>,
  ),
  wait: svg(
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7v5l3 2" />
    </>,
  ),
  in_app: svg(
    <>
      <rect x="3" y="4" width="18" height="14" rx="2" />
      <path d="M3 9h18" />
      <path d="M8 21h8" />
    </>,
  ),
  email: svg(
    <>
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="m3 7 9 6 9-6" />
    </>,
  ),
  webhook: svg(
    <>
      <path d="M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7" />
      <path d="M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7" />
    </>,
  ),
  fetch: svg(
    <>
      <path d="M12 3v12" />
      <path d="m7 10 5 5 5-5" />
      <path d="M5 21h14" />
    </>,
  ),
  update: svg(
    <>
      <circle cx="12" cy="8" r="4" />
      <path d="M4 21a8 8 0 0 1 16 0" />
    </>,
  ),
  exit: svg(
    <>
      <path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4" />
      <path d="m16 17 5-5-5-5" />
      <path d="M21 12H9" />
    </>,
  ),
};

export const KINDS: Kind[] = [
  { key: "trigger", type: "trigger", label: "Trigger", hint: "Lets users in: an event, repeated behaviour, inactivity or first identify", tile: "bg-violet-100 text-violet-700", accent: "border-t-violet-500", color: "#8b5cf6", icon: ICONS.trigger, make: () => ({ on: { type: "event", event: "Signed Up" } }) },
  { key: "condition", type: "condition", label: "Condition", hint: "If/then on traits, past events or a split variant", tile: "bg-sky-100 text-sky-700", accent: "border-t-sky-500", color: "#0ea5e9", icon: ICONS.condition, make: () => ({ if: { all: [] } }) },
  { key: "split", type: "split", label: "A/B split", hint: "Sends users down weighted branches", tile: "bg-fuchsia-100 text-fuchsia-700", accent: "border-t-fuchsia-500", color: "#d946ef", icon: ICONS.split, make: () => ({ branches: [{ id: "a", weight: 50, label: "Variant A" }, { id: "b", weight: 50, label: "Variant B" }] }) },
  { key: "wait", type: "wait", label: "Wait", hint: "Pause for a time, or until an event with a timeout", tile: "bg-amber-100 text-amber-700", accent: "border-t-amber-500", color: "#f59e0b", icon: ICONS.wait, make: () => ({ for: "P1D" }) },
  { key: "in_app", type: "message", label: "In-app message", hint: "Content for a placement, fetched with /decide", tile: "bg-emerald-100 text-emerald-700", accent: "border-t-emerald-500", color: "#10b981", icon: ICONS.in_app, make: () => ({ channel: "in_app", placement: "banner", content: "Hello {{ user.name | default: 'there' }}!" }) },
  { key: "email", type: "message", label: "Email", hint: "An email with a Liquid subject and body", tile: "bg-teal-100 text-teal-700", accent: "border-t-teal-500", color: "#14b8a6", icon: ICONS.email, make: () => ({ channel: "email", subject: "Hello {{ user.name | default: 'there' }}", body: "", to: "{{ user.email }}" }) },
  { key: "webhook", type: "message", label: "Webhook", hint: "Calls your server with a Liquid body", tile: "bg-cyan-100 text-cyan-700", accent: "border-t-cyan-500", color: "#06b6d4", icon: ICONS.webhook, make: () => ({ channel: "webhook", url: "https://example.com/hooks/pathwise", method: "POST", body: '{"userId": "{{ user.id }}"}' }) },
  { key: "fetch", type: "fetch", label: "Fetch data", hint: "Calls your API; its JSON answer is data.<name> in later steps", tile: "bg-orange-100 text-orange-700", accent: "border-t-orange-500", color: "#f97316", icon: ICONS.fetch, make: () => ({ url: "https://api.example.com/tutorials?role={{ user.role | url_encode }}", method: "GET", as: "tutorial", timeout: "PT5S", cacheFor: "PT1H" }) },
  { key: "update", type: "update", label: "Update traits", hint: "Sets traits on the profile", tile: "bg-indigo-100 text-indigo-700", accent: "border-t-indigo-500", color: "#6366f1", icon: ICONS.update, make: () => ({ set: { segment: "engaged" } }) },
  { key: "exit", type: "exit", label: "Exit", hint: "Ends the run here", tile: "bg-slate-200 text-slate-700", accent: "border-t-slate-500", color: "#64748b", icon: ICONS.exit, make: () => ({}) },
];

const BY_KEY = new Map(KINDS.map((k) => [k.key, k]));

/** The visual kind of a node: messages by channel. */
export function kindOf(type: string, data: Record<string, unknown>): Kind {
  if (type === "message") return BY_KEY.get(String(data.channel)) ?? BY_KEY.get("in_app")!;
  return BY_KEY.get(type) ?? BY_KEY.get("exit")!;
}

export const kindByKey = (key: string) => BY_KEY.get(key);

/** Handle labels people read on the canvas. */
export function handleLabel(handle: string): string {
  return { next: "next", yes: "yes", no: "no", missing: "missing", matched: "matched", timeout: "timeout", failed: "failed" }[handle] ?? handle;
}
