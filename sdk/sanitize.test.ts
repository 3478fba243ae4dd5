// @vitest-environment jsdom
// The sanitizer lets only an allowlist of markup through and never runs anything from content.
import { describe, expect, it } from "vitest";
import { sanitize } from "./sanitize";

const html = (s: string) => {
  const div = document.createElement("div");
  div.appendChild(sanitize(s));
  return div.innerHTML;
};

describe("sanitize", () => {
  it("keeps the allowed tags, attributes and micro-interaction data attributes", () => {
    expect(html('<div data-pw-kind="badge" class="x" aria-label="b"><strong>Top</strong> Buyer</div>')).toBe(
      '<div data-pw-kind="badge" class="x" aria-label="b"><strong>Top</strong> Buyer</div>',
    );
    expect(html('<a href="/cart" target="_blank">Cart</a>')).toBe('<a href="/cart" target="_blank" rel="noopener noreferrer">Cart</a>');
  });

  it("drops scripts, styles, frames and event handler attributes", () => {
    expect(html('<p onclick="alert(1)">hi<script>alert(2)</script><style>*{}</style><iframe src="x"></iframe></p>')).toBe("<p>hi</p>");
    expect(html('<img src="x.png" onerror="window.__pwned=1">')).toBe('<img src="x.png">');
  });

  it("refuses script URLs in every spelling", () => {
    for (const bad of ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "vbscript:x", "data:text/html,<b>"]) {
      expect(html(`<a href="${bad}">x</a>`)).toBe("<a>x</a>");
    }
    expect(html('<img src="data:image/png;base64,AAAA">')).toContain("data:image/png");
    expect(html('<a href="https://example.com/?q=1">x</a>')).toContain('href="https://example.com/?q=1"');
  });

  it("unwraps unknown elements but keeps their text, and drops ids and inline styles", () => {
    expect(html('<custom-el><form action="/x"><em id="pathwise" style="position:fixed">hi</em></form></custom-el>')).toBe("<em>hi</em>");
  });

  it("gives buttons type=button so content cannot submit the page's forms", () => {
    expect(html("<button>Go</button>")).toBe('<button type="button">Go</button>');
  });

  it("never executes content while parsing", async () => {
    const w = window as unknown as { __pwned?: number };
    sanitize('<img src="nope" onerror="window.__pwned=1"><script>window.__pwned=2</script><svg onload="window.__pwned=3"></svg>');
    await new Promise((r) => setTimeout(r, 20));
    expect(w.__pwned).toBeUndefined();
  });
});
