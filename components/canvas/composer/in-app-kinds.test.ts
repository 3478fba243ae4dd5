// @vitest-environment jsdom
// The composer's kinds written as the SDK's content format and read back.
import { describe, expect, it } from "vitest";
import { buildInApp, emptyFields, parseInApp, switchKind, type InAppKind } from "./in-app-kinds";

describe("in-app kinds", () => {
  it("writes each kind in the SDK's format", () => {
    expect(buildInApp({ ...emptyFields("banner"), title: "10% off", body: "Hi {{ user.name | default: 'there' }}" })).toBe(
      `<div data-pw-kind="banner"><strong>10% off</strong> Hi {{ user.name | default: 'there' }}</div>`,
    );
    expect(buildInApp({ ...emptyFields("tooltip"), anchor: '#invite-team', title: 'Say "hi"', body: "<p>Invite</p>", position: "top" })).toBe(
      `<div data-pw-kind="tooltip" data-pw-anchor="#invite-team" data-pw-position="top" data-pw-title="Say &quot;hi&quot;"><p>Invite</p></div>`,
    );
    expect(buildInApp({ ...emptyFields("survey"), scale: "rating", title: "How was it?", low: "", high: "", body: "" })).toBe(`<div data-pw-kind="survey" data-pw-scale="rating" data-pw-title="How was it?"></div>`);
    expect(buildInApp({ ...emptyFields("checklist"), title: "Get set up" })).toBe(
      `<div data-pw-kind="checklist" data-pw-title="Get set up"><ul><li data-pw-done>Create your account</li><li data-pw-event="Team Invited">Invite your team</li></ul></div>`,
    );
  });

  it("reads back what it wrote, for every kind", () => {
    for (const kind of ["banner", "modal", "tooltip", "badge", "checklist", "tour", "survey"] as InAppKind[]) {
      const f = switchKind({ ...emptyFields(kind), title: kind === "badge" ? "" : "Title & more", body: kind === "badge" ? "VIP" : "<p>Body & {{ user.plan }}</p>" }, kind);
      const html = buildInApp(f);
      const back = parseInApp(html);
      expect(back.kind).toBe(kind);
      expect(buildInApp(back)).toBe(buildInApp({ ...f, body: back.body, title: back.title, items: back.items, steps: back.steps }));
    }
  });

  it("keeps hand-written HTML that is not in the composer's shape as plain HTML, untouched", () => {
    const html = `<div data-pw-kind="banner" class="promo"><em>Hi</em></div><p>second root</p>`;
    expect(parseInApp(html)).toMatchObject({ kind: "html", html });
    // No kind asked for: the SDK shows it as a banner, so it opens as a banner with that message.
    expect(parseInApp("Hello {{ user.name | default: 'there' }}!")).toMatchObject({ kind: "banner", body: "Hello {{ user.name | default: 'there' }}!", title: "" });
    expect(parseInApp("").kind).toBe("banner");
  });
});
