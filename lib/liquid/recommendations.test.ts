// `recommendations.*` in templates (docs/api.md §9): which lists a template names (the runtime loads
// only those), and a list that was not loaded or does not exist reads as an empty list, never an error.
import { describe, expect, it } from "vitest";
import { liquidContext, recommendationsNamed, renderTemplate } from "./render";

const flow = { id: "f", name: "F" };

describe("recommendations in Liquid", () => {
  it("names the lists a template reads, or every list when it reads the object otherwise", () => {
    expect([...recommendationsNamed("Hi {{ user.name }}")]).toEqual([]);
    expect([...recommendationsNamed("{% for p in recommendations.for_you limit: 3 %}{{ p.name }}{% endfor %}{{ recommendations.popular | size }}")].sort()).toEqual(["for_you", "popular"]);
    expect([...recommendationsNamed(`{{ recommendations["also_viewed"] | size }}`)]).toEqual(["also_viewed"]);
    expect([...recommendationsNamed(`{% assign r = recommendations %}{{ r.for_you | size }}`)]).toEqual(["*"]);
  });

  it("renders loaded lists, and a missing or unknown list as empty", () => {
    const ctx = liquidContext({ traits: {}, flow, recommendations: { for_you: [{ id: "a", name: "Alpha" }, { id: "b", name: "<b>" }] } });
    const out = renderTemplate("{% for p in recommendations.for_you limit: 2 %}{{ p.name }},{% endfor %}|{{ recommendations.popular | size }}|{{ recommendations.nope.size }}|{% if recommendations.also_viewed == empty %}none{% endif %}", ctx);
    expect(out).toEqual({ ok: true, output: "Alpha,&lt;b&gt;,|0|0|none" });
    const bare = liquidContext({ traits: {}, flow });
    expect(renderTemplate("{% for p in recommendations.for_you %}x{% else %}nothing yet{% endfor %}", bare)).toEqual({ ok: true, output: "nothing yet" });
  });
});
