// Inserts server content safely: parsed in an inert document, rebuilt from an allowlist of tags and
// attributes, so no script runs, no handler attribute survives and no javascript: URL is clickable.
const TAGS = new Set(
  "a abbr b blockquote br button code del div em h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s section small span strong sub sup u ul".split(" "),
);
/** Dropped together with everything inside them (their text is not content). */
const DROP = new Set("script style template noscript iframe object embed svg math head title textarea select".split(" "));
// No `id` or `name`: content must not clobber globals or the page's own anchors.
const ATTRS = new Set("class title alt role width height colspan rowspan target".split(" "));
const URL_ATTRS: Record<string, Set<string>> = { a: new Set(["href"]), img: new Set(["src"]) };

function safeUrl(value: string, forImage: boolean): boolean {
  const v = value.trim().replace(/[\u0000-\u001f\s]+/g, "");
  if (/^(https?:|mailto:|tel:)/i.test(v)) return !forImage || /^https?:/i.test(v);
  if (forImage && /^data:image\/(png|gif|jpe?g|webp);/i.test(v)) return true;
  // Relative URLs (no scheme before the first / ? #) are safe.
  return !/^[^/?#]*:/.test(v);
}

function allowedAttr(tag: string, name: string): boolean {
  return ATTRS.has(name) || name.startsWith("aria-") || name.startsWith("data-pw-") || !!URL_ATTRS[tag]?.has(name);
}

function copy(src: Node, doc: Document, into: Node): void {
  for (const child of Array.from(src.childNodes)) {
    if (child.nodeType === 3) {
      into.appendChild(doc.createTextNode(child.textContent ?? ""));
      continue;
    }
    if (child.nodeType !== 1) continue; // comments, processing instructions
    const el = child as Element;
    const tag = el.tagName.toLowerCase();
    if (DROP.has(tag)) continue;
    if (!TAGS.has(tag)) {
      copy(el, doc, into); // unknown wrapper: keep its text, lose the element
      continue;
    }
    const out = doc.createElement(tag);
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (!allowedAttr(tag, name)) continue;
      if (URL_ATTRS[tag]?.has(name) && !safeUrl(attr.value, tag === "img")) continue;
      if (name === "target" && attr.value !== "_blank") continue;
      out.setAttribute(name, attr.value);
    }
    if (tag === "a" && out.getAttribute("target") === "_blank") out.setAttribute("rel", "noopener noreferrer");
    if (tag === "button" && !out.hasAttribute("type")) out.setAttribute("type", "button");
    copy(el, doc, out);
    into.appendChild(out);
  }
}

/** A fragment of the live document holding only allowed markup from `html`. */
export function sanitize(html: string, doc: Document = document): DocumentFragment {
  // DOMParser documents are inert: scripts do not run and images do not load while we inspect them.
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const frag = doc.createDocumentFragment();
  copy(parsed.body, doc, frag);
  return frag;
}
