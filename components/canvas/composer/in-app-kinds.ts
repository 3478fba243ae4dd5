// The message composer's model of in-app content: one kind with its fields, written as the HTML the
// SDK renders (data-pw-kind and its attributes, docs/sdk.md) and read back from it, so content made
// with the composer — or written by hand in the same format — opens in the composer again. Field
// values are Liquid; attribute values are escaped here, bodies are HTML as the marketer wrote them.

export type InAppKind = "banner" | "modal" | "tooltip" | "badge" | "checklist" | "tour" | "survey" | "html";

export type ChecklistItem = { text: string; done: boolean; event: string };
export type TourStep = { title: string; anchor: string; position: string; text: string };

export type InAppFields = {
  kind: InAppKind;
  title: string;
  body: string;
  dismissible: boolean;
  anchor: string;
  position: "bottom" | "top";
  items: ChecklistItem[];
  steps: TourStep[];
  scale: "nps" | "rating";
  low: string;
  high: string;
  thanks: string;
  html: string;
};

export const KINDS: { value: InAppKind; label: string; hint: string }[] = [
  { value: "banner", label: "Banner", hint: "Inline in the placement, with a × to close" },
  { value: "modal", label: "Modal", hint: "A dialog over the page" },
  { value: "tooltip", label: "Tooltip", hint: "Next to an element of your page" },
  { value: "badge", label: "Badge", hint: "A small pill, e.g. “Top Buyer”" },
  { value: "checklist", label: "Checklist", hint: "Steps with a progress bar" },
  { value: "tour", label: "Tour", hint: "Several steps, each anchored to an element" },
  { value: "survey", label: "Rating / NPS survey", hint: "One question; the answer is recorded with its score" },
  { value: "html", label: "Plain HTML", hint: "Write the HTML yourself" },
];

export function emptyFields(kind: InAppKind = "banner"): InAppFields {
  return {
    kind,
    title: "",
    body: "",
    dismissible: true,
    anchor: "",
    position: "bottom",
    items: [
      { text: "Create your account", done: true, event: "" },
      { text: "Invite your team", done: false, event: "Team Invited" },
    ],
    steps: [{ title: "Welcome", anchor: "h1", position: "bottom", text: "Here is where you start." }],
    scale: "nps",
    low: "Not likely",
    high: "Very likely",
    thanks: "",
    html: "",
  };
}

/** Sensible starting fields when the marketer picks a kind (keeps what carries over). */
export function switchKind(f: InAppFields, kind: InAppKind): InAppFields {
  const next: InAppFields = { ...f, kind };
  if (kind === "html") next.html = f.kind === "html" ? f.html : buildInApp(f);
  if (kind === "survey" && !f.title) next.title = "How likely are you to recommend us to a friend?";
  if (kind === "tooltip" && !f.anchor) next.anchor = "#invite-team";
  if (kind === "badge" && !f.body) next.body = "Top Buyer";
  return next;
}

const attr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
const text = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const opt = (name: string, v: string) => (v ? ` ${name}="${attr(v)}"` : "");

/** The HTML the SDK renders for these fields. */
export function buildInApp(f: InAppFields): string {
  switch (f.kind) {
    case "html":
      return f.html;
    case "banner":
      return `<div data-pw-kind="banner"${f.dismissible ? "" : ' data-pw-dismissible="false"'}>${f.title ? `<strong>${text(f.title)}</strong> ` : ""}${f.body}</div>`;
    case "modal":
      return `<div data-pw-kind="modal"${opt("data-pw-title", f.title)}>${f.body}</div>`;
    case "tooltip":
      return `<div data-pw-kind="tooltip"${opt("data-pw-anchor", f.anchor)}${f.position === "top" ? ' data-pw-position="top"' : ""}${opt("data-pw-title", f.title)}>${f.body}</div>`;
    case "badge":
      return `<span data-pw-kind="badge">${f.body}</span>`;
    case "checklist":
      return `<div data-pw-kind="checklist"${opt("data-pw-title", f.title)}><ul>${f.items
        .map((i) => `<li${i.done ? " data-pw-done" : ""}${opt("data-pw-event", i.event)}>${i.text}</li>`)
        .join("")}</ul></div>`;
    case "tour":
      return `<div data-pw-kind="tour">${f.steps
        .map((s) => `<section${opt("data-pw-title", s.title)}${opt("data-pw-anchor", s.anchor)}${s.position && s.position !== "bottom" ? opt("data-pw-position", s.position) : ""}>${s.text}</section>`)
        .join("")}</div>`;
    case "survey":
      return `<div data-pw-kind="survey" data-pw-scale="${f.scale}"${opt("data-pw-title", f.title)}${opt("data-pw-low", f.low)}${opt("data-pw-high", f.high)}${opt("data-pw-thanks", f.thanks)}>${f.body}</div>`;
  }
}

/**
 * Reads content back into fields. Content the composer did not make in this exact shape comes back as
 * plain HTML (nothing is lost: the HTML is kept as written).
 */
export function parseInApp(html: string, parser: (s: string) => Document = (s) => new DOMParser().parseFromString(s, "text/html")): InAppFields {
  const base = emptyFields();
  const raw: InAppFields = { ...base, kind: "html", html };
  if (!html.trim()) return { ...base, kind: "banner" };
  const doc = parser(`<body>${html}</body>`);
  // Text or HTML that asks for no kind is what the SDK shows as a banner: it opens as one, and stays
  // byte for byte as it is until the marketer edits it.
  if (!doc.body.querySelector("[data-pw-kind]")) return { ...base, kind: "banner", body: html };
  const nodes = Array.from(doc.body.childNodes).filter((n) => !(n.nodeType === 3 && !n.textContent?.trim()));
  if (nodes.length !== 1 || nodes[0].nodeType !== 1) return raw;
  const root = nodes[0] as Element;
  const kind = root.getAttribute("data-pw-kind") as InAppKind | null;
  const a = (n: string) => root.getAttribute(n) ?? "";
  let f: InAppFields;
  switch (kind) {
    case "banner": {
      let body = root.innerHTML;
      let title = "";
      const first = root.firstElementChild;
      if (first && first.tagName === "STRONG" && body.startsWith(first.outerHTML)) {
        title = first.textContent ?? "";
        body = body.slice(first.outerHTML.length).replace(/^ /, "");
      }
      f = { ...base, kind, title, body, dismissible: a("data-pw-dismissible") !== "false" };
      break;
    }
    case "modal":
      f = { ...base, kind, title: a("data-pw-title"), body: root.innerHTML };
      break;
    case "tooltip":
      f = { ...base, kind, title: a("data-pw-title"), anchor: a("data-pw-anchor"), position: a("data-pw-position") === "top" ? "top" : "bottom", body: root.innerHTML };
      break;
    case "badge":
      f = { ...base, kind, body: root.innerHTML };
      break;
    case "checklist":
      f = {
        ...base,
        kind,
        title: a("data-pw-title"),
        items: Array.from(root.querySelectorAll("li")).map((li) => ({ text: li.innerHTML, done: li.hasAttribute("data-pw-done") && li.getAttribute("data-pw-done") !== "false", event: li.getAttribute("data-pw-event") ?? "" })),
      };
      break;
    case "tour":
      f = {
        ...base,
        kind,
        steps: Array.from(root.querySelectorAll("section")).map((s) => ({ title: s.getAttribute("data-pw-title") ?? "", anchor: s.getAttribute("data-pw-anchor") ?? "", position: s.getAttribute("data-pw-position") ?? "bottom", text: s.innerHTML })),
      };
      break;
    case "survey":
      f = { ...base, kind, scale: a("data-pw-scale") === "rating" ? "rating" : "nps", title: a("data-pw-title"), low: a("data-pw-low"), high: a("data-pw-high"), thanks: a("data-pw-thanks"), body: root.innerHTML };
      break;
    default:
      return raw;
  }
  // Only a faithful round trip opens in the form; anything else stays plain HTML, untouched.
  // (Compared as the parser writes both, so "&" against "&amp;" or <br/> against <br> do not count.)
  const norm = (h: string) => parser(`<body>${h}</body>`).body.innerHTML;
  return norm(buildInApp(f)) === norm(html) ? f : raw;
}

/** Stand-in elements for a preview page, so anchored kinds have something to point at. */
export function anchorsOf(f: InAppFields): string[] {
  if (f.kind === "tooltip") return f.anchor ? [f.anchor] : [];
  if (f.kind === "tour") return f.steps.map((s) => s.anchor).filter(Boolean);
  return [];
}
