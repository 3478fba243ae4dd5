// Tests of the Liquid environment: escaping, raw, defaults, fallbacks, refused tags and limits.
import { describe, expect, it } from "vitest";
import { checkTemplate, liquidContext, renderTemplate } from "./render";

const ctx = liquidContext({
  traits: { name: "<b>Ann</b>", plan: "pro", id: "spoofed" },
  userId: "u1",
  event: { name: "Product Viewed", properties: { sku: "A&B" } },
  flow: { id: "f1", name: "Welcome" },
});

describe("renderTemplate", () => {
  it("escapes output by default and not with | raw", () => {
    expect(renderTemplate("Hi {{ user.name }}", ctx)).toEqual({ ok: true, output: "Hi &lt;b&gt;Ann&lt;/b&gt;" });
    expect(renderTemplate("Hi {{ user.name | raw }}", ctx)).toEqual({ ok: true, output: "Hi <b>Ann</b>" });
    expect(renderTemplate("{{ event.properties.sku }}", ctx).output).toBe("A&amp;B");
  });

  it("exposes user.id, event and flow per the contract", () => {
    expect(renderTemplate("{{ user.id }}|{{ event.name }}|{{ flow.id }}|{{ flow.name }}", ctx).output).toBe("u1|Product Viewed|f1|Welcome");
  });

  it("uses default for a missing variable", () => {
    expect(renderTemplate("Hi {{ user.nick | default: 'friend' }}", ctx)).toEqual({ ok: true, output: "Hi friend" });
    expect(renderTemplate("{% if user.nick %}a{% else %}b{% endif %}", ctx)).toEqual({ ok: true, output: "b" });
  });

  it("falls back on a missing variable without default", () => {
    const r = renderTemplate("Hi {{ user.nick }}", ctx, "Hello!");
    expect(r.ok).toBe(false);
    expect(r.output).toBe("Hello!");
    expect(!r.ok && r.error).toMatch(/undefined variable: user.nick/);
    expect(renderTemplate("Hi {{ user.nick }}", ctx).output).toBe("");
  });

  it("falls back on a syntax error", () => {
    const r = renderTemplate("{% if user.plan %}unclosed", ctx, "fb");
    expect(r).toMatchObject({ ok: false, output: "fb" });
    expect(checkTemplate("{% if x %}").ok).toBe(false);
    expect(checkTemplate("{{ user.plan }}").ok).toBe(true);
  });

  it("refuses include, render and layout", () => {
    for (const t of ["{% include 'secrets' %}", "{% render '/etc/passwd' %}", "{% layout 'x' %}body"]) {
      const r = renderTemplate(t, ctx, "fb");
      expect(r).toMatchObject({ ok: false, output: "fb" });
      expect(!r.ok && r.error).toMatch(/not available/);
    }
  });

  it("does not read prototype properties", () => {
    expect(renderTemplate("{{ user.constructor }}", ctx, "fb").output).toBe("fb");
  });

  it("bounds runaway templates", () => {
    const huge = renderTemplate("{% for i in (1..100000000) %}x{% endfor %}", ctx, "fb");
    expect(huge).toMatchObject({ ok: false, output: "fb" });
    const t0 = Date.now();
    const slow = renderTemplate("{% for i in (1..3000) %}{% for j in (1..3000) %}{% endfor %}{% endfor %}", ctx, "fb");
    expect(slow).toMatchObject({ ok: false, output: "fb" });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(renderTemplate("x".repeat(20_001) + "{{ user.plan }}", ctx, "fb")).toMatchObject({ ok: false, output: "fb" });
  });

  it("lets no trait replace user.id", () => {
    expect(renderTemplate("{{ user.id }}", ctx).output).toBe("u1");
    const anon = liquidContext({ traits: {}, flow: { id: "f", name: "F" } });
    expect(renderTemplate("{{ user.id | default: 'friend' }}", anon).output).toBe("friend");
  });

  it("returns the same result from the parse cache", () => {
    const a = renderTemplate("{{ user.plan | upcase }}", ctx);
    const b = renderTemplate("{{ user.plan | upcase }}", ctx);
    expect(a).toEqual({ ok: true, output: "PRO" });
    expect(b).toEqual(a);
  });
});
