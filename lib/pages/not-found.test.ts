// Console pages for a flow or a user that does not exist answer a real 404 (Next's notFound()), not a
// 200 page that says so in the browser.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgliteTestDb } from "@/lib/testing/db";
import type { Db } from "@/lib/db/client";
import { createFlow } from "@/lib/flows/store";
import { seedProfile } from "@/lib/testing/runtime";
import { flowForPage, requireFlow, requireProfile } from "./lookups";

// Next marks notFound() with this digest; the router turns it into the 404 page and status.
const isNotFound = (err: unknown) => typeof err === "object" && err !== null && String((err as { digest?: string }).digest).startsWith("NEXT_HTTP_ERROR_FALLBACK;404");

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  return null;
}

describe("console page lookups", () => {
  let db: Db;
  beforeAll(async () => {
    db = await pgliteTestDb();
  });
  afterAll(async () => {
    await db.close();
  });

  it("an unknown flow id is a 404 for the editor, results and version pages", async () => {
    expect(isNotFound(await thrown(flowForPage(db, "no-such-flow")))).toBe(true);
    expect(isNotFound(await thrown(requireFlow(db.sql, "no-such-flow")))).toBe(true);
  });

  it("a known flow is read for the editor", async () => {
    const f = await createFlow(db, { name: "Known" });
    const doc = await flowForPage(db, f.id);
    expect(doc?.name).toBe("Known");
    await expect(requireFlow(db.sql, f.id)).resolves.toBeUndefined();
  });

  it("an unknown user is a 404, a known one (by userId) is not", async () => {
    expect(isNotFound(await thrown(requireProfile(db.sql, "nobody-here")))).toBe(true);
    await seedProfile(db, "somebody");
    await expect(requireProfile(db.sql, "somebody")).resolves.toBeUndefined();
  });
});
